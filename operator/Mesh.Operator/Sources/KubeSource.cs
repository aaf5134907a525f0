using System.Collections.Immutable;
using k8s;
using k8s.Models;
using Mesh.Kubernetes;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Informers;
using Mesh.Operator.Compiler;
using Mesh.Operator.Resources;
using Mesh.Operator.StatusWriting;
using Mesh.Operator.Validation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.Sources;

/// <summary>
/// The <c>kube</c> source: one informer per type the compiler reads (the four mesh.io resources, Services,
/// EndpointSlices, Pods, Namespaces), across all namespaces. An unreachable API server is retried with backoff by
/// the informers, so <see cref="StartAsync"/> waits rather than fails and <see cref="HasSynced"/> stays false. Secrets
/// are not watched: <see cref="CredentialSecretReader"/> reads by name those that DestinationRules name.
/// </summary>
internal sealed partial class KubeSource : IResourceSource, IMeshStatusLookup
{
    private readonly IInformer<VirtualService> _virtualServices;
    private readonly IInformer<DestinationRule> _destinationRules;
    private readonly IInformer<MeshPolicy> _meshPolicies;
    private readonly IInformer<WorkloadEntry> _workloadEntries;
    private readonly IInformer<V1Service> _services;
    private readonly IInformer<V1EndpointSlice> _endpointSlices;
    private readonly IInformer<V1Pod> _pods;
    private readonly IInformer<V1Namespace> _namespaces;
    private readonly CredentialSecretReader _secrets;
    private readonly Lock _buildGate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly ILogger<KubeSource> _logger;
    private readonly List<Task> _running = [];
    private CancellationTokenSource? _linked;
    private long _changes;
    private int _disposed;
    private volatile BuiltSnapshot _built = new(-1, MeshSnapshot.Empty);
    private volatile bool _synced;

    public KubeSource(IKubernetesClient client, IOptions<KubeSourceOptions> options, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        var informerOptions = options.Value.Informer;
        _logger = loggerFactory.CreateLogger<KubeSource>();
        var api = client.Api;
        _virtualServices = Create(ListWatchers.CustomObjects<VirtualService>(api));
        _destinationRules = Create(ListWatchers.CustomObjects<DestinationRule>(api));
        _meshPolicies = Create(ListWatchers.CustomObjects<MeshPolicy>(api));
        _workloadEntries = Create(ListWatchers.CustomObjects<WorkloadEntry>(api));
        _services = Create(ListWatchers.Services(api));
        _endpointSlices = Create(ListWatchers.EndpointSlices(api));
        _pods = Create(ListWatchers.Pods(api));
        _namespaces = Create(ListWatchers.Namespaces(api));
        _secrets = new CredentialSecretReader(client, timeProvider, options.Value.CredentialPollInterval, _logger);

        IInformer<T> Create<T>(IListWatcher<T> listWatcher)
            where T : class, IKubernetesObject<V1ObjectMeta>
        {
            var informer = InformerFactory.Create(listWatcher, informerOptions, timeProvider, loggerFactory);
            informer.AddHandler(new ResourceEventHandler<T>
            {
                Added = _ => OnChange(typeof(T)),
                Updated = (previous, current) =>
                {
                    if (!MeshSpecUnchanged(previous, current))
                    {
                        OnChange(typeof(T));
                    }
                },
                Deleted = (_, _) => OnChange(typeof(T)),
            });
            return informer;
        }
    }

    public string Description => "kube";

    public bool HasSynced => _synced;

    /// <summary>
    /// Built on first read after a change rather than on every event: a burst of pod events costs one rebuild per
    /// (debounced) reconcile, not one per event.
    /// </summary>
    public MeshSnapshot Current => _synced ? Build() : MeshSnapshot.Empty;

    public IReadOnlyList<SourceProblem> Problems => [];

    public event Action? Changed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _linked = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, cancellationToken);
        var stopping = _linked.Token;
        _running.Add(_virtualServices.RunAsync(stopping));
        _running.Add(_destinationRules.RunAsync(stopping));
        _running.Add(_meshPolicies.RunAsync(stopping));
        _running.Add(_workloadEntries.RunAsync(stopping));
        _running.Add(_services.RunAsync(stopping));
        _running.Add(_endpointSlices.RunAsync(stopping));
        _running.Add(_pods.RunAsync(stopping));
        _running.Add(_namespaces.RunAsync(stopping));

        await Task.WhenAll(
            _virtualServices.WaitForSyncAsync(stopping),
            _destinationRules.WaitForSyncAsync(stopping),
            _meshPolicies.WaitForSyncAsync(stopping),
            _workloadEntries.WaitForSyncAsync(stopping),
            _services.WaitForSyncAsync(stopping),
            _endpointSlices.WaitForSyncAsync(stopping),
            _pods.WaitForSyncAsync(stopping),
            _namespaces.WaitForSyncAsync(stopping));
        await _secrets.RefreshAsync(_destinationRules.Snapshot.Values, stopping);
        _running.Add(_secrets.RunAsync(() => _destinationRules.Snapshot.Values, () => OnChange(typeof(V1Secret)), stopping));
        _synced = true;
        LogSynced(Build().All().Count());
    }

    public bool TryGetStatus(ResourceRef resource, out CachedStatus status)
    {
        IKubernetesObject<V1ObjectMeta>? found = resource.Kind switch
        {
            nameof(VirtualService) => _virtualServices.Get(resource.Namespace, resource.Name),
            nameof(DestinationRule) => _destinationRules.Get(resource.Namespace, resource.Name),
            nameof(MeshPolicy) => _meshPolicies.Get(resource.Namespace, resource.Name),
            nameof(WorkloadEntry) => _workloadEntries.Get(resource.Namespace, resource.Name),
            _ => null,
        };
        var conditions = found switch
        {
            VirtualService r => r.Status?.Conditions,
            DestinationRule r => r.Status?.Conditions,
            MeshPolicy r => r.Status?.Conditions,
            WorkloadEntry r => r.Status?.Conditions,
            _ => null,
        };
        status = new CachedStatus(conditions ?? [], found?.Metadata.ResourceVersion);
        return found is not null;
    }

    // Runs on an informer's loop: only count the change; the snapshot is built when read.
    private void OnChange(Type changed)
    {
        Interlocked.Increment(ref _changes);
        if (changed == typeof(DestinationRule))
        {
            _secrets.Wake();
        }

        if (_synced)
        {
            Changed?.Invoke();
        }
    }

    /// <summary>
    /// True for an update of a mesh resource that the compiler cannot see: the operator's own status writes and
    /// resyncs leave metadata.generation (which the API server bumps on every spec change), labels and annotations as
    /// they were. Recompiling for those would be wasted work, one compile per status write. Core objects always count:
    /// a Pod's IP or readiness lives in its status.
    /// </summary>
    private static bool MeshSpecUnchanged<T>(T previous, T current)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (previous is not (VirtualService or DestinationRule or MeshPolicy or WorkloadEntry))
        {
            return false;
        }

        var (before, after) = (previous.Metadata, current.Metadata);
        return before.Generation is { } generation && after.Generation == generation &&
            SameEntries(before.Labels, after.Labels) && SameEntries(before.Annotations, after.Annotations);
    }

    private static bool SameEntries(IDictionary<string, string>? left, IDictionary<string, string>? right)
    {
        if ((left?.Count ?? 0) != (right?.Count ?? 0))
        {
            return false;
        }

        foreach (var (key, value) in left.AsReadOnly())
        {
            if (right is null || !right.TryGetValue(key, out var other) || other != value)
            {
                return false;
            }
        }

        return true;
    }

    private MeshSnapshot Build()
    {
        var built = _built;
        var changes = Interlocked.Read(ref _changes);
        if (built.Changes == changes)
        {
            return built.Snapshot;
        }

        lock (_buildGate)
        {
            changes = Interlocked.Read(ref _changes);
            if (_built.Changes != changes)
            {
                // Counting first and reading the caches after means a change racing with this build is either in it
                // or leaves the count ahead, so the next read rebuilds.
                _built = new BuiltSnapshot(changes, new MeshSnapshot(
                    Ordered(_virtualServices.Snapshot),
                    Ordered(_destinationRules.Snapshot),
                    Ordered(_meshPolicies.Snapshot),
                    Ordered(_workloadEntries.Snapshot),
                    Ordered(_services.Snapshot),
                    Ordered(_endpointSlices.Snapshot),
                    Ordered(_pods.Snapshot),
                    Ordered(_namespaces.Snapshot))
                {
                    Secrets = _secrets.Current,
                });
            }

            return _built.Snapshot;
        }
    }

    private static ImmutableArray<T> Ordered<T>(ImmutableDictionary<string, T> cache) =>
        [.. cache.OrderBy(entry => entry.Key, StringComparer.Ordinal).Select(entry => entry.Value)];

    // Idempotent: the container disposes the one instance under each interface it is registered as.
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_running);
        }
        catch (OperationCanceledException)
        {
        }

        _linked?.Dispose();
        _stop.Dispose();
    }

    private sealed record BuiltSnapshot(long Changes, MeshSnapshot Snapshot);

    [LoggerMessage(Level = LogLevel.Information, Message = "Kubernetes caches synced: {Count} objects")]
    private partial void LogSynced(int count);
}
