using Grpc.Core;
using Mesh.Api.V1;
using Mesh.Operator.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.ConfigServer.Admission;

/// <summary>
/// Lets a config stream in, or ends it with a status that says why: UNAUTHENTICATED (no valid credential),
/// RESOURCE_EXHAUSTED (a stream limit), DEADLINE_EXCEEDED (no first request in time), INVALID_ARGUMENT (no node id),
/// PERMISSION_DENIED (the node names another workload; the message names the field). Every check runs before the
/// stream costs more than its slot: no config is compiled or queued for a caller that is not let in.
/// </summary>
internal sealed partial class StreamAdmission
{
    private readonly StreamAuthenticator _authenticator;
    private readonly StreamLimiter _limiter;
    private readonly NodeStreamClaims _claims;
    private readonly OperatorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly TimeSpan _firstRequestTimeout;
    private readonly ILogger<StreamAdmission> _logger;

    public StreamAdmission(
        StreamAuthenticator authenticator,
        StreamLimiter limiter,
        NodeStreamClaims claims,
        OperatorMetrics metrics,
        TimeProvider time,
        IOptions<ConfigServerOptions> options,
        ILogger<StreamAdmission> logger)
    {
        _authenticator = authenticator;
        _limiter = limiter;
        _claims = claims;
        _metrics = metrics;
        _time = time;
        _firstRequestTimeout = options.Value.FirstRequestTimeout;
        _logger = logger;
    }

    /// <summary>The admitted stream, or null when the caller ended the call before its first request.</summary>
    /// <exception cref="RpcException">The stream is refused; the status says why.</exception>
    public async Task<AdmittedStream?> AdmitAsync(IAsyncStreamReader<ConfigRequest> requests, ServerCallContext context)
    {
        var identity = await Check("unauthenticated", context, _authenticator.AuthenticateAsync(context));
        var lease = _limiter.TryAcquire(identity, out var refusal)
            ?? throw Refuse("limit", StatusCode.ResourceExhausted, refusal!, context);
        try
        {
            var first = await ReadFirstAsync(requests, context);
            if (first is null)
            {
                lease.Dispose();
                return null;
            }

            if (first.Node is null || string.IsNullOrWhiteSpace(first.Node.Id))
            {
                throw Refuse("invalid", StatusCode.InvalidArgument, "the first ConfigRequest must carry node.id", context);
            }

            var node = NodeAuthorization.Authorize(first.Node, identity, out refusal)
                ?? throw Refuse("permission_denied", StatusCode.PermissionDenied, refusal!, context);
            return new AdmittedStream(identity, node, first.VersionInfo, lease, _claims);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    private async Task<ConfigRequest?> ReadFirstAsync(IAsyncStreamReader<ConfigRequest> requests, ServerCallContext context)
    {
        // A stream that never sends its Node holds a slot and a connection's buffers for nothing: it gets this long.
        using var deadline = new CancellationTokenSource(_firstRequestTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, deadline.Token);
        try
        {
            return await requests.MoveNext(linked.Token) ? requests.Current : null;
        }
        catch (Exception ex) when (deadline.IsCancellationRequested && !context.CancellationToken.IsCancellationRequested
            && ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            throw Refuse(
                "first_request_timeout",
                StatusCode.DeadlineExceeded,
                $"no first ConfigRequest within {_firstRequestTimeout.TotalSeconds:0.###} s (ConfigServerOptions.FirstRequestTimeout)",
                context);
        }
    }

    private async Task<T> Check<T>(string reason, ServerCallContext context, Task<T> check)
    {
        try
        {
            return await check;
        }
        catch (RpcException ex) when (!context.CancellationToken.IsCancellationRequested)
        {
            throw Refuse(ex.StatusCode == StatusCode.Unavailable ? "unavailable" : reason, ex.StatusCode, ex.Status.Detail, context);
        }
    }

    private RpcException Refuse(string reason, StatusCode code, string message, ServerCallContext context)
    {
        _metrics.StreamRejected(reason);
        LogRefused(context.Peer, code, message);
        return new RpcException(new Status(code, message));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a config stream from {Peer}: {Code} {Reason}")]
    private partial void LogRefused(string peer, StatusCode code, string reason);
}
