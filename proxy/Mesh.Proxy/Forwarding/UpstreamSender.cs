using Mesh.Proxy.Balancing;
using Mesh.Proxy.Clusters;
using Mesh.Proxy.Resilience;
using Mesh.Proxy.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Proxy.Forwarding;

/// <summary>
/// Sends a routed request to its cluster through YARP's <see cref="IHttpForwarder"/>: admission against the
/// cluster's limits, endpoint choice per try, route and per-try timeouts, retries within the retry budget, and
/// outlier reporting.
/// </summary>
internal sealed partial class UpstreamSender
{
    private static readonly TimeSpan RetryBackoffBase = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan RetryBackoffMax = TimeSpan.FromMilliseconds(250);

    // Istio's retry host predicate (Envoy's previous_hosts with host_selection_retry_max_attempts 5): a retry asks the
    // balancer again, up to this many times, for an endpoint other than the one that just failed.
    private const int HostSelectionAttempts = 5;

    private readonly IHttpForwarder _forwarder;
    private readonly MirrorSender _mirror;
    private readonly TimeProvider _time;
    private readonly ILogger<UpstreamSender> _logger;

    public UpstreamSender(IHttpForwarder forwarder, MirrorSender mirror, TimeProvider time, ILogger<UpstreamSender> logger)
    {
        _forwarder = forwarder;
        _mirror = mirror;
        _time = time;
        _logger = logger;
    }

    /// <summary>Forwards the request; the cluster's admission slot is held until the returned task completes.</summary>
    public Task ForwardAsync(HttpContext context, MeshRoute route, RouteMatchBlock? block, WeightedDestination destination, ForwardingRequest transformer, ForwardOutcome outcome)
    {
        var cluster = destination.Cluster;
        if (!cluster.Stats.TryEnter(cluster.MaxRequests))
        {
            context.Response.Headers[ProxyResponses.OverloadedHeader] = "true";
            return ProxyResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, "upstream overloaded: connection pool limit reached");
        }

        // Only a body that may be sent again (a retry) or twice (a mirror) is buffered; the rest streams through. A
        // bodyless request buffers synchronously, so the send loop stays its only state machine below the listener's.
        if (route.Retries.Attempts == 0 && !Array.Exists(route.Mirrors, m => m.Percentage > 0))
        {
            return SendAsync(context, route, block, cluster, body: null, transformer, outcome);
        }

        var buffering = RequestBodyBuffer.TryBufferAsync(context, context.RequestAborted);
        return buffering.IsCompletedSuccessfully
            ? SendAsync(context, route, block, cluster, buffering.Result, transformer, outcome)
            : BufferAndSendAsync(context, route, block, cluster, buffering, transformer, outcome);
    }

    private async Task BufferAndSendAsync(HttpContext context, MeshRoute route, RouteMatchBlock? block, ClusterRuntime cluster, ValueTask<byte[]?> buffering, ForwardingRequest transformer, ForwardOutcome outcome)
    {
        byte[]? body;
        var sending = false;
        try
        {
            body = await buffering;
            sending = true;
        }
        catch (Exception ex) when (DownstreamFault.IsClientException(context, ex))
        {
            await DownstreamFault.RespondAsync(context, outcome);
            return;
        }
        finally
        {
            if (!sending)
            {
                cluster.Stats.Exit();
            }
        }

        await SendAsync(context, route, block, cluster, body, transformer, outcome);
    }

    /// <summary>Mirrors, then tries the request within its route timeout and retry policy; leaves the cluster when done.</summary>
    private async Task SendAsync(HttpContext context, MeshRoute route, RouteMatchBlock? block, ClusterRuntime cluster, byte[]? body, ForwardingRequest transformer, ForwardOutcome outcome)
    {
        try
        {
            // Each mirror draws its own sample (Istio's mirrors: independent percentages).
            foreach (var mirror in route.Mirrors)
            {
                if (mirror.ShouldMirror())
                {
                    _mirror.Send(context, route, block, mirror.Cluster, body);
                }
            }

            var retries = route.Retries;
            using var routeTimeout = route.Timeout is { } timeout ? Linked(context.RequestAborted, timeout) : null;
            var token = routeTimeout?.Token ?? context.RequestAborted;
            var replayable = body is not null || retries.Attempts == 0;
            cluster.Stats.RetryBudget.RecordRequest();

            EndpointRuntime? previous = null;
            var triedPriorities = 0UL;
            for (var attempt = 0; ; attempt++)
            {
                // A client that reset its stream before the upstream call (HTTP/2 rapid reset) gets no upstream call.
                if (context.RequestAborted.IsCancellationRequested)
                {
                    await DownstreamFault.RespondAsync(context, outcome);
                    return;
                }

                var now = _time.GetTimestamp();
                var endpoint = Pick(context, cluster, retries, previous, ref triedPriorities, now);
                previous = endpoint;
                if (endpoint is null)
                {
                    await ProxyResponses.WriteAsync(context, StatusCodes.Status503ServiceUnavailable, $"no healthy upstream for cluster '{cluster.Name}'");
                    return;
                }

                if (body is { Length: > 0 })
                {
                    context.Request.Body = new MemoryStream(body, writable: false);
                }

                var mayRetry = replayable && attempt < retries.Attempts;
                transformer.BeginTry(mayRetry ? retries : null, cluster);

                outcome.Attempts = attempt + 1;
                outcome.UpstreamHost = endpoint.DestinationPrefix;
                using var perTry = retries.PerTryTimeout is { } perTryTimeout ? Linked(token, perTryTimeout) : null;
                endpoint.Stats.OnRequestStarted();
                ForwarderError error;
                try
                {
                    error = await _forwarder.SendAsync(context, endpoint.DestinationPrefix, cluster.Client.Invoker, cluster.RequestConfigFor(context.Request), transformer, perTry?.Token ?? token);
                }
                finally
                {
                    endpoint.Stats.OnRequestFinished();
                }

                // The client's own fault (a hang-up, a malformed body) says nothing about the endpoint: it is neither
                // reported to outlier detection nor sampled for the balancer's latency, and it is not retried.
                if (DownstreamFault.IsClientFault(context, error))
                {
                    await DownstreamFault.RespondAsync(context, outcome);
                    return;
                }

                endpoint.Stats.RecordLatency(_time.GetElapsedTime(now).TotalSeconds, _time.GetTimestamp(), _time);

                var failure = error == ForwarderError.None ? UpstreamFailure.None : UpstreamFailureClassifier.Classify(context, error);
                if (failure != UpstreamFailure.None && !context.RequestAborted.IsCancellationRequested
                    && (perTry?.IsExpired == true || routeTimeout?.IsExpired == true))
                {
                    failure = UpstreamFailure.Timeout;
                }

                cluster.OutlierDetector?.Report(endpoint, failure == UpstreamFailure.None ? transformer.UpstreamStatus : 0);

                var retryFailure = failure != UpstreamFailure.None && mayRetry && !context.Response.HasStarted
                    && routeTimeout?.IsExpired != true && !context.RequestAborted.IsCancellationRequested
                    && retries.IsRetriable(failure) && TryTakeRetry(cluster);
                if (transformer.HeldBack || retryFailure)
                {
                    LogRetrying(cluster.Name, attempt + 1, transformer.HeldBack ? transformer.UpstreamStatus.ToString(System.Globalization.CultureInfo.InvariantCulture) : failure.ToString());
                    ResetResponse(context);
                    try
                    {
                        await Task.Delay(Backoff(attempt, retries.Backoff), _time, token);
                    }
                    catch (OperationCanceledException)
                    {
                        await FailAsync(context, routeTimeout?.IsExpired == true ? UpstreamFailure.Timeout : UpstreamFailure.Other);
                        return;
                    }
                    finally
                    {
                        cluster.Stats.ExitRetry();
                    }

                    continue;
                }

                if (failure != UpstreamFailure.None && !context.RequestAborted.IsCancellationRequested)
                {
                    LogUpstreamFailed(cluster.Name, endpoint.DestinationPrefix, failure, error);
                    await FailAsync(context, failure);
                }

                return;
            }
        }
        finally
        {
            cluster.Stats.Exit();
        }
    }

    // The first try is balanced as usual. A retry asks again, up to HostSelectionAttempts times, for an endpoint
    // other than the one that just failed; with retryRemoteLocalities it also leaves the priorities already tried.
    private static EndpointRuntime? Pick(HttpContext context, ClusterRuntime cluster, RetryPolicy retries, EndpointRuntime? previous, ref ulong triedPriorities, long now)
    {
        var balancer = cluster.Balancer;
        if (previous is null)
        {
            return balancer.Pick(context, now);
        }

        var priorities = retries.RemoteLocalities ? balancer as IPriorityBalancer : null;
        if (priorities?.PriorityOf(previous) is >= 0 and var tried)
        {
            triedPriorities |= 1UL << tried;
        }

        EndpointRuntime? endpoint = null;
        for (var selection = 0; selection < HostSelectionAttempts && (selection == 0 || ReferenceEquals(endpoint, previous)); selection++)
        {
            endpoint = priorities is null ? balancer.Pick(context, now) : priorities.PickExcluding(context, now, triedPriorities);
        }

        return endpoint;
    }

    /// <summary>Takes a retry slot within the cluster's limit and retry budget.</summary>
    internal static bool TryTakeRetry(ClusterRuntime cluster) =>
        cluster.Stats.TryEnterRetry(cluster.MaxRetries) && (cluster.Stats.RetryBudget.TryWithdraw() || ReleaseRetry(cluster));

    private static bool ReleaseRetry(ClusterRuntime cluster)
    {
        cluster.Stats.ExitRetry();
        return false;
    }

    private static Task FailAsync(HttpContext context, UpstreamFailure failure)
    {
        var (status, text) = UpstreamFailureClassifier.Response(failure);
        return ProxyResponses.WriteAsync(context, status, text);
    }

    private static void ResetResponse(HttpContext context)
    {
        context.Features.Set<IForwarderErrorFeature>(null);
        context.Response.Headers.Clear();
        context.Response.StatusCode = StatusCodes.Status200OK;
    }

    // Without a configured base, Envoy's retry back-off: fully jittered, doubling from 25 ms, capped at 250 ms. With
    // Istio's backoff, which it documents as the minimum time between tries, the wait is drawn between the doubled
    // base and twice that, never below the base and never above 10 times it (Envoy's cap).
    internal static TimeSpan Backoff(int attempt, TimeSpan? configured)
    {
        if (configured is not { } baseInterval)
        {
            var ceiling = Math.Min(RetryBackoffMax.TotalMilliseconds, RetryBackoffBase.TotalMilliseconds * (1 << Math.Min(attempt, 8)));
            return TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * ceiling);
        }

        var cap = baseInterval.TotalMilliseconds * 10;
        var floor = Math.Min(cap, baseInterval.TotalMilliseconds * (1 << Math.Min(attempt, 8)));
        return TimeSpan.FromMilliseconds(Math.Min(cap, floor * (1 + Random.Shared.NextDouble())));
    }

    private Deadline Linked(CancellationToken token, TimeSpan timeout) => new(token, timeout, _time);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Retrying request to cluster {Cluster} after try {Attempt}: {Reason}")]
    private partial void LogRetrying(string cluster, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request to cluster {Cluster} endpoint {Endpoint} failed: {Failure} ({Error})")]
    private partial void LogUpstreamFailed(string cluster, string endpoint, UpstreamFailure failure, ForwarderError error);
}
