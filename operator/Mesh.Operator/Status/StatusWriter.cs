using System.Collections.Concurrent;
using System.Text.Json;
using k8s;
using k8s.Models;
using Mesh.Kubernetes;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Informers;
using Mesh.Kubernetes.LeaderElection;
using Mesh.Kubernetes.Queue;
using Mesh.Operator.Reconcile;
using Mesh.Operator.Resources;
using Mesh.Operator.Telemetry;
using Mesh.Operator.Validation;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using KubernetesException = Mesh.Kubernetes.Client.KubernetesException;
using KubernetesJson = Mesh.Kubernetes.KubernetesJson;

namespace Mesh.Operator.StatusWriting;

/// <summary>
/// Writes each mesh resource's <c>status.conditions</c> (a merge patch on <c>/status</c>) when they differ from what
/// the object has, and only while this replica leads. Keys go through a rate-limited work queue: a failing object
/// is retried with its own backoff while the others are written; a deleted object (404) is dropped.
/// </summary>
internal sealed partial class StatusWriter : BackgroundService, IReconcileResultSink
{
    private readonly IKubernetesClient _client;
    private readonly IMeshStatusLookup _lookup;
    private readonly ILeaderElector _elector;
    private readonly OperatorMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly StatusWriterOptions _options;
    private readonly ILogger<StatusWriter> _logger;
    private readonly IWorkQueue<ResourceRef> _queue;
    private readonly ConcurrentDictionary<ResourceRef, IReadOnlyList<V1Condition>> _desired = new();
    private readonly ConcurrentDictionary<ResourceRef, Written> _written = new();

    public StatusWriter(
        IKubernetesClient client,
        IMeshStatusLookup lookup,
        ILeaderElector elector,
        OperatorMetrics metrics,
        TimeProvider timeProvider,
        IOptions<StatusWriterOptions> options,
        ILogger<StatusWriter> logger)
    {
        _client = client;
        _lookup = lookup;
        _elector = elector;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
        _queue = WorkQueueFactory.Create<ResourceRef>(timeProvider: timeProvider);
        _elector.OnStartedLeading += OnStartedLeading;
    }

    public void Report(long generation, IReadOnlyList<ResourceResult> results)
    {
        var current = new HashSet<ResourceRef>();
        foreach (var result in results)
        {
            current.Add(result.Resource);
            _desired[result.Resource] = result.Conditions;
            if (_elector.IsLeader && NeedsWrite(result.Resource, result.Conditions))
            {
                _queue.Add(result.Resource);
            }
        }

        foreach (var gone in _desired.Keys.Where(key => !current.Contains(key)))
        {
            _desired.TryRemove(gone, out _);
            _written.TryRemove(gone, out _);
        }
    }

    // A new leader cannot know what the previous one wrote: it checks every resource.
    private void OnStartedLeading(CancellationToken leading)
    {
        LogStartedLeading(_elector.Identity, _desired.Count);
        foreach (var key in _desired.Keys)
        {
            _queue.Add(key);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var shutDown = stoppingToken.Register(_queue.ShutDown);
        var workers = Enumerable.Range(0, Math.Max(1, _options.Workers)).Select(_ => WorkAsync(stoppingToken));
        await Task.WhenAll(workers);
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        while (true)
        {
            ResourceRef key;
            try
            {
                (key, var shutDown) = await _queue.GetAsync(stoppingToken);
                if (shutDown)
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await WriteAsync(key, stoppingToken);
                _queue.Forget(key);
            }
            catch (KubernetesException e) when (e.IsNotFound)
            {
                // Deleted since it was compiled; its deletion triggers a reconcile that drops it.
                _queue.Forget(key);
            }
            catch (Exception) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _metrics.ReconcileError("status");
                LogWriteFailed(e, key.ToString(), _queue.NumRequeues(key) + 1);
                _queue.AddRateLimited(key);
            }
            finally
            {
                _queue.Done(key);
            }
        }
    }

    private bool NeedsWrite(ResourceRef key, IReadOnlyList<V1Condition> desired)
    {
        if (!_lookup.TryGetStatus(key, out var cached))
        {
            return false;
        }

        if (StatusConditions.SameAs(cached.Conditions, desired))
        {
            return false;
        }

        // Written already and the cache has not seen that write yet: writing again would only repeat it.
        return !(_written.TryGetValue(key, out var written)
            && written.OverResourceVersion == cached.ResourceVersion
            && StatusConditions.SameAs(written.Conditions, desired));
    }

    private async Task WriteAsync(ResourceRef key, CancellationToken cancellationToken)
    {
        if (!_elector.IsLeader || !_desired.TryGetValue(key, out var desired) || !NeedsWrite(key, desired)
            || !_lookup.TryGetStatus(key, out var cached))
        {
            return;
        }

        var conditions = StatusConditions.Stamp(desired, cached.Conditions, _timeProvider.GetUtcNow());
        var body = JsonSerializer.Serialize(new PatchBody(new PatchStatus(conditions)), KubernetesJson.Options);
        // A merge patch of status.conditions alone: other status fields, and fields this version does not know, survive.
        var patch = new V1Patch(body, V1Patch.PatchType.MergePatch);
        await (key.Kind switch
        {
            nameof(VirtualService) => PatchAsync<VirtualService>(key, patch, cancellationToken),
            nameof(DestinationRule) => PatchAsync<DestinationRule>(key, patch, cancellationToken),
            nameof(MeshPolicy) => PatchAsync<MeshPolicy>(key, patch, cancellationToken),
            nameof(WorkloadEntry) => PatchAsync<WorkloadEntry>(key, patch, cancellationToken),
            _ => Task.CompletedTask,
        });
        _written[key] = new Written(desired, cached.ResourceVersion);
        LogWritten(key.ToString(), string.Join(", ", conditions.Select(c => $"{c.Type}={c.Status}")));
    }

    private Task<T> PatchAsync<T>(ResourceRef key, V1Patch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var (group, version, plural) = ListWatchers.EntityOf<T>();
        return _client.CallAsync(api => api.CustomObjects.PatchNamespacedCustomObjectStatusAsync<T>(
            patch, group, version, key.Namespace, plural, key.Name, cancellationToken: cancellationToken));
    }

    public override void Dispose()
    {
        _elector.OnStartedLeading -= OnStartedLeading;
        _queue.Dispose();
        base.Dispose();
    }

    private sealed record Written(IReadOnlyList<V1Condition> Conditions, string? OverResourceVersion);

    private sealed record PatchBody(PatchStatus Status);

    private sealed record PatchStatus(List<V1Condition> Conditions);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} leads: checking the status of {Count} resources")]
    private partial void LogStartedLeading(string identity, int count);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Resource}: status written ({Conditions})")]
    private partial void LogWritten(string resource, string conditions);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Resource}: writing status failed (attempt {Attempt}); retrying with backoff")]
    private partial void LogWriteFailed(Exception exception, string resource, int attempt);
}
