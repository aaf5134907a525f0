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
        var caDir = new Option<string?>("--ca-dir") { Description = "Local mode: directory of the generated root CA and bootstrap token (default .mesh/ca)." };
        var caCert = new Option<string?>("--ca-cert-file") { Description = "A provided CA certificate (e.g. an intermediate), PEM, used instead of a generated root." };
        var caKey = new Option<string?>("--ca-key-file") { Description = "Private key of --ca-cert-file, PEM." };
        var caRoot = new Option<string?>("--ca-root-file") { Description = "Root certificate(s) --ca-cert-file chains to, PEM: the proxies' trust bundle." };
        var bootstrapToken = new Option<string?>("--bootstrap-token-file") { Description = "Local mode: the token proxies present for certificates (default: generated into --ca-dir)." };
        var trustDomain = new Option<string>("--trust-domain") { Description = "SPIFFE trust domain of workload identities.", DefaultValueFactory = _ => defaults.TrustDomain };
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "kube source: the kubeconfig file (default: in-cluster inside a pod, else $KUBECONFIG merged, else ~/.kube/config)." };
        var context = new Option<string?>("--context") { Description = "kube source: the kubeconfig context to use (default: its current-context)." };
        var logLevel = new Option<string>("--log-level") { Description = "Verbose, Debug, Information, Warning or Error.", DefaultValueFactory = _ => defaults.LogLevel };

        var command = new Command("run", "Run the control plane.") { source, grpcPort, httpPort, webhookPort, rootNamespace, listenAddress, webhookCert, webhookKey, webhookService, webhookConfiguration, webhookSecret, @namespace, injectionTemplate, caDir, caCert, caKey, caRoot, bootstrapToken, trustDomain, kubeconfig, context, logLevel };
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
                CaDirectory = result.GetValue(caDir),
                CaCertFile = result.GetValue(caCert),
                CaKeyFile = result.GetValue(caKey),
                CaRootFile = result.GetValue(caRoot),
                BootstrapTokenFile = result.GetValue(bootstrapToken),
                TrustDomain = result.GetValue(trustDomain)!,
                Kubeconfig = result.GetValue(kubeconfig),
                Context = result.GetValue(context),
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
