using System.Net;
using k8s;
using k8s.Exceptions;
using Mesh.Kubernetes.Config;
using Mesh.Operator.ConfigServer;
using Mesh.Operator.Diagnostics;
using Mesh.Operator.Identity;
using Mesh.Operator.Injection;
using Mesh.Operator.Reconcile;
using Mesh.Operator.Sources;
using Mesh.Operator.StatusWriting;
using Mesh.Operator.Telemetry;
using Mesh.Operator.WebhookTls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mesh.Operator.Hosting;

/// <summary>Builds the control plane: the source, the reconcile loop, the config stream and the HTTP endpoints.</summary>
public static class OperatorHost
{
    public static WebApplication Build(OperatorOptions options, Action<IServiceCollection>? configureServices = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var source = ParseSource(options.Source);
        var kubeConfig = LoadKubeConfig(options, source.IsDirectory);
        var listenAddress = ParseListenAddress(options.ListenAddress ?? (source.IsDirectory ? "127.0.0.1" : "0.0.0.0"));
        CheckPort("--grpc-port", options.GrpcPort);
        CheckPort("--http-port", options.HttpPort);
        CheckPort("--webhook-port", options.WebhookPort);

        var builder = WebApplication.CreateSlimBuilder();
        OperatorLogging.Configure(builder, options.LogLevel);
        var webhookTls = WebhookTlsExtensions.SelectMode(options.WebhookCertFile, options.WebhookKeyFile, kube: !source.IsDirectory);
        if (options.InjectionTemplate is { } templateFile)
        {
            // Read once now so that a bad template is a usage error at start, not a failure at the first admission.
            InjectionTemplate.Load(templateFile);
        }

        var listeners = new OperatorListeners();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(listenAddress, options.GrpcPort, listen =>
            {
                // h2c: without TLS there is no ALPN, so the gRPC port speaks only HTTP/2 (prior knowledge).
                listen.Protocols = HttpProtocols.Http2;
                listeners.Grpc = listen;
            });
            kestrel.Listen(listenAddress, options.HttpPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listeners.Http = listen;
            });
            kestrel.Listen(listenAddress, options.WebhookPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseWebhookTls();
                listeners.Webhook = listen;
            });
        });

        var services = builder.Services;
        services.AddSingleton(listeners);
        services.AddOptions<ReconcileOptions>().Configure(o => o.RootNamespace = options.RootNamespace);
        services.AddConfigServer();
        if (source.IsDirectory)
        {
            services.AddOptions<DirectorySourceOptions>().Configure(o => o.Path = source.Path!);
            services.AddSingleton<IResourceSource, DirectorySource>();
        }
        else
        {
            if (kubeConfig is not null)
            {
                services.AddSingleton(kubeConfig);
            }

            services.AddKubeSource();
            services.AddStatusWriter();
        }

        services.AddOperatorMetricsRegistry();
        services.AddSingleton<InformerMetricsBridge>();
        services.AddWebhookTls(webhookTls, tls =>
        {
            tls.CertFile = options.WebhookCertFile;
            tls.KeyFile = options.WebhookKeyFile;
            tls.ServiceName = options.WebhookService;
            tls.ConfigurationName = options.WebhookConfiguration;
            tls.SecretName = options.WebhookSecret;
            tls.Namespace = OperatorNamespace.Resolve(options.Namespace);
        });
        services.AddInjectionWebhook(injection =>
        {
            if (options.InjectionTemplate is { } template)
            {
                InjectionTemplate.LoadInto(template, injection);
            }

            injection.OperatorNamespace = OperatorNamespace.Resolve(options.Namespace);
        });
        services.AddWorkloadIdentity(new IdentitySetup(
            LocalMode: source.IsDirectory,
            Namespace: OperatorNamespace.Resolve(options.Namespace),
            CaDirectory: Path.GetFullPath(options.CaDirectory ?? Path.Combine(".mesh", "ca")),
            CaCertificateFile: options.CaCertFile,
            CaKeyFile: options.CaKeyFile,
            CaRootFile: options.CaRootFile,
            BootstrapTokenFile: options.BootstrapTokenFile,
            TrustDomain: options.TrustDomain));
        services.AddSingleton<INamespaceLabels, SourceNamespaceLabels>();
        services.AddSingleton<IReconcileResultSink, ProblemLogSink>();
        services.AddSingleton<MeshReconciler>();
        services.AddSingleton<Ui.UiAssets>();
        services.AddSingleton(provider => new Mesh.Api.Security.LocalHostPolicy(provider.GetRequiredService<TimeProvider>()));
        services.AddHostedService(provider => provider.GetRequiredService<MeshReconciler>());
        services.AddOptions<HeapCompactionOptions>();
        services.AddHostedService<IdleHeapCompactor>();
        configureServices?.Invoke(services);

        var app = builder.Build();

        // Created now, not on the first scrape, so that they count from the start.
        app.Services.GetRequiredService<OperatorMetrics>();
        app.Services.GetRequiredService<InformerMetricsBridge>();
        app.UseWhen(
            context => context.Connection.LocalPort == listeners.GrpcPort,
            grpc => grpc.UseRouting().UseEndpoints(endpoints =>
            {
                endpoints.MapConfigDiscovery();
                endpoints.MapCertificateSigning();
            }));
        app.UseWhen(
            context => context.Connection.LocalPort == listeners.HttpPort,
            http => http
                .UseWhen(context => context.Request.Path.StartsWithSegments("/debug") || context.Request.Path.StartsWithSegments("/ui/api"), debug => debug.UseDebugRequestLogging())
                .UseRouting()
                .UseEndpoints(endpoints => endpoints.MapOperatorDiagnostics()));
        app.UseWhen(
            context => context.Connection.LocalPort == listeners.WebhookPort,
            webhook => webhook.UseDebugRequestLogging().UseRouting().UseEndpoints(endpoints => endpoints.MapInjectionWebhook()));
        app.Run(context =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        return app;
    }

    private static IPAddress ParseListenAddress(string text) =>
        IPAddress.TryParse(text, out var address)
            ? address
            : throw new ArgumentException($"--listen-address: '{text}' is not an IP address.");

    // Kestrel's own range check names only its parameter ('port'), not the flag that set it.
    private static void CheckPort(string flag, int port)
    {
        if (port is < IPEndPoint.MinPort or > IPEndPoint.MaxPort)
        {
            throw new ArgumentException($"{flag}: {port} is not a port (0-65535).");
        }
    }

    /// <summary>
    /// Reads an explicitly named kubeconfig or context now, so that a missing file or unknown context is a usage
    /// error at start. Without either, the client resolves its default configuration when first used.
    /// </summary>
    private static KubernetesClientConfiguration? LoadKubeConfig(OperatorOptions options, bool localMode)
    {
        if (options.Kubeconfig is null && options.Context is null)
        {
            return null;
        }

        if (localMode)
        {
            throw new ArgumentException("--kubeconfig and --context apply to the kube source only.");
        }

        try
        {
            return KubeConfig.Load(options.Kubeconfig, options.Context);
        }
        catch (KubeConfigException e)
        {
            throw new ArgumentException($"--kubeconfig {options.Kubeconfig ?? "(default)"} --context {options.Context ?? "(current)"}: {e.Message}", e);
        }
    }

    private static (bool IsDirectory, string? Path) ParseSource(string? source)
    {
        source ??= OperatorOptions.InCluster ? "kube" : null;
        return source switch
        {
            null => throw new ArgumentException("--source is required outside a pod: give dir:PATH (local mode) or kube."),
            "kube" => (false, null),
            _ when source.StartsWith("dir:", StringComparison.Ordinal) && source.Length > 4 => Directory.Exists(source[4..])
                ? (true, source[4..])
                : throw new ArgumentException($"--source: the directory '{source[4..]}' does not exist."),
            _ => throw new ArgumentException($"--source: '{source}' is neither 'kube' nor 'dir:PATH'."),
        };
    }
}
