using Grpc.Core;
using Mesh.Api.V1;
using Mesh.Operator.ConfigServer.Admission;
using Mesh.Operator.Telemetry;
using Mesh.Operator.Traffic;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.ConfigServer;

/// <summary>
/// Serves <c>mesh.v1.ConfigDiscovery/StreamConfig</c> with the semantics of xDS ADS (state of the world): the
/// first request names the node; every response carries a version and a fresh nonce; the proxy's next request
/// ACKs or NACKs that nonce; a request naming any other nonce is stale and ignored. A request carrying a traffic
/// report with no nonce answers nothing: its report goes to the <see cref="ITrafficStore"/> and it is not judged.
/// </summary>
internal sealed partial class ConfigDiscoveryService
{
    private readonly StreamAdmission _admission;
    private readonly ConfigDistributor _distributor;
    private readonly ProxyRegistry _registry;
    private readonly ConvergenceTracker _convergence;
    private readonly OperatorMetrics _metrics;
    private readonly ITrafficStore _traffic;
    private readonly TimeProvider _timeProvider;
    private readonly ConfigServerOptions _options;
    private readonly ILogger<ConfigDiscoveryService> _logger;
    private readonly CancellationToken _stopping;
    private readonly SemaphoreSlim _writeSlots;

    public ConfigDiscoveryService(
        StreamAdmission admission,
        ConfigDistributor distributor,
        ProxyRegistry registry,
        ConvergenceTracker convergence,
        OperatorMetrics metrics,
        ITrafficStore traffic,
        TimeProvider timeProvider,
        IOptions<ConfigServerOptions> options,
        IHostApplicationLifetime lifetime,
        ILogger<ConfigDiscoveryService> logger)
    {
        _stopping = lifetime.ApplicationStopping;
        _admission = admission;
        _distributor = distributor;
        _registry = registry;
        _convergence = convergence;
        _metrics = metrics;
        _traffic = traffic;
        _timeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
        _writeSlots = new SemaphoreSlim(Math.Max(1, _options.MaxConcurrentWrites));
    }

    public async Task StreamConfigAsync(
        IAsyncStreamReader<ConfigRequest> requests,
        IServerStreamWriter<ConfigResponseFrame> responses,
        ServerCallContext context)
    {
        using var admitted = await _admission.AdmitAsync(requests, context);
        if (admitted is null)
        {
            return;
        }

        var node = admitted.Node;
        if (string.IsNullOrEmpty(node.Ip))
        {
            node.Ip = context.GetHttpContext().Connection.RemoteIpAddress?.ToString() ?? "";
        }

        using var connection = new ProxyConnection(
            _registry.NextId(),
            node,
            admitted.InitialVersion,
            _timeProvider.GetUtcNow(),
            _options.SendQueueCapacity,
            _options.MaxQueuedBytesPerStream,
            context.GetHttpContext().Abort,
            context.CancellationToken);
        admitted.Claim(connection);
        _distributor.Connect(connection);

        // Streams never end on their own: on shutdown they are ended so proxies reconnect (to another replica)
        // at once instead of holding the host's shutdown until its timeout.
        using var onStopping = _stopping.Register(() => connection.Abort("the operator is shutting down", resetStream: false));
        LogConnected(node.Id, node.Namespace, context.Peer);
        try
        {
            var sending = SendAsync(connection, responses);
            var receiving = ReceiveAsync(connection, requests);
            var finished = await Task.WhenAny(sending, receiving);

            // Either side ending ends the call: stop the other and surface the first failure.
            connection.Close();
            await Task.WhenAll(sending, receiving).ContinueWith(static _ => { }, TaskScheduler.Default);
            await finished;
        }
        finally
        {
            _distributor.Disconnect(connection);
            LogDisconnected(node.Id, connection.AbortReason ?? "the stream ended");
        }

        if (connection.AbortReason is { } reason)
        {
            // Only reaches a proxy whose stream is still writable; a stalled one sees the stream reset instead.
            throw new RpcException(new Status(StatusCode.Unavailable, reason));
        }
    }

    private async Task SendAsync(ProxyConnection connection, IServerStreamWriter<ConfigResponseFrame> responses)
    {
        try
        {
            await foreach (var push in connection.Pending.ReadAllAsync(connection.Aborted))
            {
                await _writeSlots.WaitAsync(connection.Aborted);
                try
                {
                    var response = connection.PrepareResponse(push);
                    await responses.WriteAsync(response, connection.Aborted).WaitAsync(_options.WriteTimeout, _timeProvider, connection.Aborted);
                    _metrics.PushSent(response.IsDelta, response.CalculateSize());
                    LogSent(connection.Node.Id, response.VersionInfo, response.Nonce, response.IsDelta ? "delta" : "full");
                }
                finally
                {
                    _writeSlots.Release();
                }
            }
        }
        catch (OperationCanceledException) when (connection.Aborted.IsCancellationRequested)
        {
        }
        catch (TimeoutException)
        {
            _metrics.PushDropped(connection.NextIsDelta);
            LogSlowWrite(connection.Node.Id, _options.WriteTimeout);
            connection.Abort("the proxy did not take its config in time", resetStream: true);
        }
    }

    private async Task ReceiveAsync(ProxyConnection connection, IAsyncStreamReader<ConfigRequest> requests)
    {
        try
        {
            while (await requests.MoveNext(connection.Aborted))
            {
                if (requests.Current.TrafficReport is { } report)
                {
                    _traffic.Record(connection.Node.Namespace, report);
                    if (requests.Current.ResponseNonce.Length == 0)
                    {
                        continue;
                    }
                }

                var answer = connection.HandleRequest(requests.Current, _timeProvider.GetUtcNow());
                switch (answer.Kind)
                {
                    case AnswerKind.Ack:
                        _metrics.PushAcked(answer.Delta);
                        _convergence.Answered(connection.Id, answer.Generation);
                        LogAck(connection.Node.Id, requests.Current.VersionInfo);
                        break;
                    case AnswerKind.Nack:
                        _metrics.PushNacked(answer.Delta);
                        _convergence.Answered(connection.Id, answer.Generation);
                        LogNack(connection.Node.Id, answer.Nack!.Version, answer.Nack.Message);
                        break;
                    default:
                        LogStale(connection.Node.Id, requests.Current.ResponseNonce);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (connection.Aborted.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy {ProxyId} in {Namespace} connected from {Peer}")]
    private partial void LogConnected(string proxyId, string @namespace, string peer);

    [LoggerMessage(Level = LogLevel.Information, Message = "Proxy {ProxyId} disconnected: {Reason}")]
    private partial void LogDisconnected(string proxyId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sent version {Version} to proxy {ProxyId} with nonce {Nonce} ({Type})")]
    private partial void LogSent(string proxyId, string version, string nonce, string type);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Proxy {ProxyId} acknowledged version {Version}")]
    private partial void LogAck(string proxyId, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy {ProxyId} rejected version {Version}: {Reason}")]
    private partial void LogNack(string proxyId, string version, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy {ProxyId} did not take its config within {Timeout}; disconnecting it so it reconnects for a fresh snapshot")]
    private partial void LogSlowWrite(string proxyId, TimeSpan timeout);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Proxy {ProxyId} sent a stale nonce {Nonce}; ignored")]
    private partial void LogStale(string proxyId, string nonce);
}
