using Mesh.Kubernetes.Informers;
using Mesh.Kubernetes.LeaderElection;
using Mesh.Operator.Hosting;
using Mesh.Operator.Reconcile;
using Mesh.Operator.Sources;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Operator.Tests.Sources;

/// <summary>The real operator host with <c>--source kube</c> against an API server (a <see cref="FakeKube"/>), on ephemeral loopback ports.</summary>
internal sealed class KubeOperator : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KubeOperator(WebApplication app)
    {
        _app = app;
        var listeners = app.Services.GetRequiredService<OperatorListeners>();
        GrpcAddress = new Uri($"http://127.0.0.1:{listeners.GrpcPort}");
        HttpAddress = new Uri($"http://127.0.0.1:{listeners.HttpPort}");
    }

    public Uri GrpcAddress { get; }

    public Uri HttpAddress { get; }

    public IServiceProvider Services => _app.Services;

    public IResourceSource Source => _app.Services.GetRequiredService<IResourceSource>();

    public ILeaderElector Elector => _app.Services.GetRequiredService<ILeaderElector>();

    /// <summary>Starts the operator as candidate <paramref name="identity"/> for the <c>mesh-operator</c> Lease in mesh-system.</summary>
    /// <param name="beforeStart">Runs on the built services before the host starts, e.g. to attach a metrics listener.</param>
    public static Task<KubeOperator> StartAsync(FakeKube kube, string identity = "operator-0", Action<IServiceProvider>? beforeStart = null) =>
        StartAsync(kube.Configuration, identity, beforeStart);

    public static Task<KubeOperator> StartAsync(k8s.KubernetesClientConfiguration configuration, string identity = "operator-0", Action<IServiceProvider>? beforeStart = null)
        => StartAsync(configuration, kubeconfig: null, identity, beforeStart);

    /// <summary>Starts the operator as <c>run --source kube --kubeconfig PATH [--context NAME]</c> would.</summary>
    public static Task<KubeOperator> StartWithKubeconfigAsync(string kubeconfigPath, string? context = null)
        => StartAsync(configuration: null, (kubeconfigPath, context), "operator-0", null);

    private static async Task<KubeOperator> StartAsync(
        k8s.KubernetesClientConfiguration? configuration,
        (string Path, string? Context)? kubeconfig,
        string identity,
        Action<IServiceProvider>? beforeStart)
    {
        var app = OperatorHost.Build(
            new OperatorOptions
            {
                Source = "kube",
                GrpcPort = 0,
                HttpPort = 0,
                WebhookPort = 0,
                ListenAddress = "127.0.0.1",
                LogLevel = "Warning",
                Kubeconfig = kubeconfig?.Path,
                Context = kubeconfig?.Context,
            },
            services =>
            {
                if (configuration is not null)
                {
                    services.AddSingleton(configuration);
                }

                services.AddSingleton(new LeaderElectionOptions
                {
                    LeaseName = "mesh-operator",
                    LeaseNamespace = "mesh-system",
                    Identity = identity,
                    LeaseDuration = TimeSpan.FromSeconds(4),
                    RenewDeadline = TimeSpan.FromSeconds(3),
                    RetryPeriod = TimeSpan.FromMilliseconds(200),
                });
                services.Configure<KubeSourceOptions>(o => o.Informer = new InformerOptions { InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(500) });
                services.Configure<ReconcileOptions>(o => o.DebounceQuiet = TimeSpan.FromMilliseconds(20));
            });
        beforeStart?.Invoke(app.Services);
        await app.StartAsync();
        return new KubeOperator(app);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
