using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Proxy.Forwarding;

/// <summary>
/// Failures that are the downstream client's, not the upstream's: it hung up or reset its stream (Envoy's <c>DC</c>,
/// response code 0 when nothing was answered), or sent a body that does not parse, such as malformed chunked encoding
/// (Envoy's <c>DPE</c>, 400). As in Envoy they are never counted against an endpoint: no outlier report, no latency
/// sample for the balancer, no retry.
/// </summary>
internal static class DownstreamFault
{
    public const string DisconnectFlag = "DC";
    public const string ProtocolErrorFlag = "DPE";
    private const string DisconnectDetails = "downstream_remote_disconnect";
    private const string BadBodyDetails = "downstream_malformed_request_body";

    /// <summary>Whether a failed forward is the client's doing rather than the upstream's.</summary>
    public static bool IsClientFault(HttpContext context, ForwarderError error) =>
        error != ForwarderError.None
        && (context.RequestAborted.IsCancellationRequested
            || error is ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyClient
                or ForwarderError.UpgradeRequestClient or ForwarderError.UpgradeResponseClient);

    /// <summary>Whether an exception reading the request body is the client's doing.</summary>
    public static bool IsClientException(HttpContext context, Exception exception) =>
        exception is BadHttpRequestException
        || (context.RequestAborted.IsCancellationRequested && exception is OperationCanceledException or IOException);

    /// <summary>Answers a client fault (400 for a bad body when the client is still there) and records its flag.</summary>
    public static Task RespondAsync(HttpContext context, ForwardOutcome outcome)
    {
        if (context.RequestAborted.IsCancellationRequested || context.Response.HasStarted)
        {
            if (!context.Response.HasStarted)
            {
                Hosting.StreamResetBudget.OnClientReset(context);
            }

            outcome.ResponseFlags = DisconnectFlag;
            outcome.ResponseCodeDetails = DisconnectDetails;
            return Task.CompletedTask;
        }

        outcome.ResponseFlags = ProtocolErrorFlag;
        outcome.ResponseCodeDetails = BadBodyDetails;
        context.Features.Set<IForwarderErrorFeature>(null);
        context.Response.Headers.Clear();
        return ProxyResponses.WriteAsync(context, StatusCodes.Status400BadRequest, "mesh proxy: malformed request body");
    }

    /// <summary>The response code to count: 0 when the client left before any answer (as Envoy logs it).</summary>
    public static int ResponseCode(HttpContext context, string? responseFlags) =>
        responseFlags == DisconnectFlag && !context.Response.HasStarted ? 0 : context.Response.StatusCode;
}
