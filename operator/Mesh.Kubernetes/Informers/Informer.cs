using System.Collections.Immutable;
using k8s.Models;
using Mesh.Kubernetes.Client;
using Microsoft.Extensions.Logging;

namespace Mesh.Kubernetes.Informers;

/// <summary>
/// client-go's reflector: list (first at resourceVersion "0", the cache of the API server), then watch from the
/// list's version; a closed watch is resumed from the last version seen (BOOKMARKs advance it); a 410 Expired
/// forces a relist at the last version, and if that list is expired too, at "" (a quorum read). Failures back off.
/// </summary>
internal sealed partial class Informer<T> : IInformer<T>
    where T : class, k8s.IKubernetesObject<V1ObjectMeta>
{
    private readonly IListWatcher<T> _listWatcher;
    private readonly InformerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly InformerCache<T> _cache;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly KeyValuePair<string, object?> _resourceTag;
    private string? _lastSyncResourceVersion;
    private bool _lastSyncResourceVersionUnavailable;
    private long _watchErrors;
    private long _lists;
    private int _running;

    public Informer(IListWatcher<T> listWatcher, InformerOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _listWatcher = listWatcher;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _cache = new InformerCache<T>(logger);
        _resourceTag = new("resource", listWatcher.Resource);
    }

    public bool HasSynced => _synced.Task.IsCompleted;

    public ImmutableDictionary<string, T> Snapshot => _cache.State.Items;

    /// <summary>Watch ERROR events and failed requests so far.</summary>
    internal long WatchErrors => Interlocked.Read(ref _watchErrors);

    /// <summary>Completed lists so far, the first one included.</summary>
    internal long Lists => Interlocked.Read(ref _lists);

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    public T? Get(string? @namespace, string name) => _cache.State.Items.GetValueOrDefault(CacheKey.For(@namespace, name));

    public ImmutableDictionary<string, T> InNamespace(string @namespace)
        => _cache.State.ByNamespace.GetValueOrDefault(@namespace) ?? ImmutableDictionary<string, T>.Empty;

    public IDisposable AddHandler(IResourceEventHandler<T> handler) => _cache.AddHandler(handler);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("The informer is already running.");
        }

        var resync = _options.ResyncPeriod > TimeSpan.Zero ? ResyncAsync(cancellationToken) : Task.CompletedTask;
        var backoff = new Backoff(_options.InitialBackoff, _options.MaxBackoff);
        var needList = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (needList)
                {
                    await ListAsync(cancellationToken);
                    needList = false;
                }

                var outcome = await WatchAsync(backoff, cancellationToken);
                if (outcome == WatchOutcome.Expired)
                {
                    needList = true;
                }
                else if (outcome == WatchOutcome.Failed)
                {
                    needList = true;
                    await Task.Delay(backoff.Next(), _timeProvider, cancellationToken);
                }
                else if (outcome == WatchOutcome.ClosedEmpty)
                {
                    // A server that closes every watch at once must not be hammered.
                    await Task.Delay(backoff.Next(), _timeProvider, cancellationToken);
                }
            }
            catch (KubernetesException e) when (e.IsResourceExpired && !cancellationToken.IsCancellationRequested)
            {
                CountError();
                LogExpired(_logger, _listWatcher.Resource, e.Status.Message);
                if (needList)
                {
                    // Even the list's version is gone: the next list reads the latest state.
                    _lastSyncResourceVersionUnavailable = true;
                }

                needList = true;
            }
            catch (Exception) when (cancellationToken.IsCancellationRequested)
            {
                // Stopping: whatever the aborted request threw.
                break;
            }
            catch (Exception e)
            {
                CountError();
                var delay = backoff.Next();
                LogFailed(_logger, e, _listWatcher.Resource, needList ? "list" : "watch", delay.TotalMilliseconds);
                try
                {
                    await Task.Delay(delay, _timeProvider, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        try
        {
            await resync;
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var resourceVersion = _lastSyncResourceVersionUnavailable ? "" : _lastSyncResourceVersion ?? "0";
        var list = await ListAllAsync(resourceVersion, cancellationToken);
        _cache.Replace(list.Items);
        _lastSyncResourceVersion = list.ResourceVersion;
        _lastSyncResourceVersionUnavailable = false;
        Interlocked.Increment(ref _lists);
        InformerMetrics.Relists.Add(1, _resourceTag);
        LogListed(_logger, _listWatcher.Resource, list.Items.Count, list.ResourceVersion);
        _synced.TrySetResult();
    }

    /// <summary>
    /// Every page (following continue tokens). The result's resourceVersion is the first page's: every later page is
    /// served from that snapshot, so the watch starts there. An expired continue token is a 410: list again.
    /// </summary>
    private async Task<ListPage<T>> ListAllAsync(string resourceVersion, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        string? version = null;
        var query = new ListWatchQuery
        {
            ResourceVersion = resourceVersion,
            Limit = _options.PageSize,
            LabelSelector = _options.LabelSelector,
            FieldSelector = _options.FieldSelector,
        };
        while (true)
        {
            var page = await _listWatcher.ListAsync(query, cancellationToken);
            items.AddRange(page.Items);
            version ??= page.ResourceVersion;
            if (page.Continue is null)
            {
                return new ListPage<T>(items, version, null);
            }

            // The continue token carries the snapshot; a resourceVersion beside it is an error for the server.
            query = query with { Continue = page.Continue, ResourceVersion = null };
        }
    }

    private async Task<WatchOutcome> WatchAsync(Backoff backoff, CancellationToken cancellationToken)
    {
        var spread = _options.MaxWatchTimeout - _options.MinWatchTimeout;
        var query = new ListWatchQuery
        {
            ResourceVersion = _lastSyncResourceVersion,
            TimeoutSeconds = (int)(_options.MinWatchTimeout + (spread * Random.Shared.NextDouble())).TotalSeconds,
            LabelSelector = _options.LabelSelector,
            FieldSelector = _options.FieldSelector,
        };

        // The library does not yield an ERROR event: it hands its Status (or an unreadable line) to this callback,
        // on the enumerating thread, before it reads the next line.
        Exception? streamError = null;
        var received = false;
        await foreach (var (type, obj) in _listWatcher.WatchAsync(query, e => streamError ??= e, cancellationToken))
        {
            if (streamError is not null)
            {
                break;
            }

            switch (type)
            {
                case k8s.WatchEventType.Added:
                case k8s.WatchEventType.Modified:
                    _cache.Upsert(obj);
                    break;
                case k8s.WatchEventType.Deleted:
                    _cache.Remove(obj);
                    break;
            }

            if (!string.IsNullOrEmpty(obj.Metadata.ResourceVersion))
            {
                _lastSyncResourceVersion = obj.Metadata.ResourceVersion;
            }

            if (!received)
            {
                received = true;
                backoff.Reset();
            }
        }

        if (streamError is k8s.KubernetesException { Status: { } status })
        {
            // An ERROR event: the server ends the watch after it.
            CountError();
            var expired = status.Code == 410 || status.Reason is "Expired" or "Gone";
            LogErrorEvent(_logger, _listWatcher.Resource, status.Code, status.Reason, status.Message);
            return expired ? WatchOutcome.Expired : WatchOutcome.Failed;
        }

        if (streamError is not null)
        {
            throw new InvalidDataException($"The watch of {_listWatcher.Resource} sent an event that cannot be read: {streamError.Message}", streamError);
        }

        return received ? WatchOutcome.Closed : WatchOutcome.ClosedEmpty;
    }

    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_options.ResyncPeriod, _timeProvider);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            _cache.Resync();
        }
    }

    private void CountError()
    {
        Interlocked.Increment(ref _watchErrors);
        InformerMetrics.WatchErrors.Add(1, _resourceTag);
    }

    private enum WatchOutcome
    {
        Closed,
        ClosedEmpty,
        Expired,
        Failed,
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Listed {Resource}: {Count} objects at resourceVersion {ResourceVersion}")]
    private static partial void LogListed(ILogger logger, string resource, int count, string? resourceVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Watch of {Resource} expired ({Message}); relisting")]
    private static partial void LogExpired(ILogger logger, string resource, string? message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Watch of {Resource} sent an ERROR event: {Code} {Reason}: {Message}")]
    private static partial void LogErrorEvent(ILogger logger, string resource, int? code, string? reason, string? message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Operation} of {Resource} failed; retrying in {DelayMs} ms")]
    private static partial void LogFailed(ILogger logger, Exception exception, string resource, string operation, double delayMs);
}
