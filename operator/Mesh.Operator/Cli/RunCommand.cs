using System.CommandLine;
using Mesh.Operator.Hosting;
using Microsoft.AspNetCore.Builder;

namespace Mesh.Operator.Cli;

/// <summary><c>mesh-operator run</c>: the control plane, until SIGINT or SIGTERM.</summary>
internal static class RunCommand
{
    public static Command Create(TextWriter error)
    {
        var defaults = new OperatorOptions();
        var source = new Option<string?>("--source") { Description = "kube, or dir:PATH for local mode (default kube inside a pod)." };
        var grpcPort = new Option<int>("--grpc-port") { Description = "Config stream port (gRPC, h2c).", DefaultValueFactory = _ => defaults.GrpcPort };
        var httpPort = new Option<int>("--http-port") { Description = "Health, readiness, metrics and debug port.", DefaultValueFactory = _ => defaults.HttpPort };
        var webhookPort = new Option<int>("--webhook-port") { Description = "Admission webhook port (HTTPS).", DefaultValueFactory = _ => defaults.WebhookPort };
        var rootNamespace = new Option<string>("--root-namespace") { Description = "Namespace whose MeshPolicies apply mesh-wide.", DefaultValueFactory = _ => defaults.RootNamespace };
        var listenAddress = new Option<string?>("--listen-address") { Description = "Address to bind (default 0.0.0.0 with kube, 127.0.0.1 with dir:)." };
        var webhookCert = new Option<string?>("--webhook-cert-file") { Description = "Webhook serving certificate (PEM), reloaded on change; without it the operator manages one (Secret with kube, memory with dir:)." };
        var webhookKey = new Option<string?>("--webhook-key-file") { Description = "Private key of the webhook certificate (PEM)." };
        var webhookService = new Option<string>("--webhook-service") { Description = "The webhook's Service, named in a self-managed certificate.", DefaultValueFactory = _ => defaults.WebhookService };
        var webhookConfiguration = new Option<string>("--webhook-configuration") { Description = "MutatingWebhookConfiguration whose caBundle a self-managed certificate keeps.", DefaultValueFactory = _ => defaults.WebhookConfiguration };
        var webhookSecret = new Option<string>("--webhook-secret") { Description = "Secret holding the self-managed webhook CA and certificate.", DefaultValueFactory = _ => defaults.WebhookSecret };
        var @namespace = new Option<string?>("--namespace") { Description = "The operator's namespace (default: POD_NAMESPACE, the service account's namespace, mesh-system)." };
        var injectionTemplate = new Option<string?>("--injection-template") { Description = "JSON or YAML file overriding the injection template's defaults." };
        var logLevel = new Option<string>("--log-level") { Description = "Verbose, Debug, Information, Warning or Error.", DefaultValueFactory = _ => defaults.LogLevel };

        var command = new Command("run", "Run the control plane.") { source, grpcPort, httpPort, webhookPort, rootNamespace, listenAddress, webhookCert, webhookKey, webhookService, webhookConfiguration, webhookSecret, @namespace, injectionTemplate, logLevel };
        command.SetAction(async (result, cancellationToken) =>
        {
            var options = new OperatorOptions
            {
                Source = result.GetValue(source),
                GrpcPort = result.GetValue(grpcPort),
                HttpPort = result.GetValue(httpPort),
                WebhookPort = result.GetValue(webhookPort),
                RootNamespace = result.GetValue(rootNamespace)!,
                ListenAddress = result.GetValue(listenAddress),
                LogLevel = result.GetValue(logLevel)!,
                WebhookCertFile = result.GetValue(webhookCert),
                WebhookKeyFile = result.GetValue(webhookKey),
                WebhookService = result.GetValue(webhookService)!,
                WebhookConfiguration = result.GetValue(webhookConfiguration)!,
                WebhookSecret = result.GetValue(webhookSecret)!,
                Namespace = result.GetValue(@namespace),
                InjectionTemplate = result.GetValue(injectionTemplate),
            };
            WebApplication app;
            try
            {
                app = OperatorHost.Build(options);
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException or FormatException or InvalidDataException)
            {
                await error.WriteLineAsync($"mesh-operator run: {ex.Message}");
                return MeshCli.UsageExitCode;
            }

            await using (app)
            {
                await app.RunAsync(cancellationToken);
            }

            return 0;
        });
        return command;
    }
}
