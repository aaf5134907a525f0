using System.Net.Http;
using Mesh.Proxy.Resilience;
using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace Mesh.Proxy.Forwarding;

/// <summary>Maps a failed try (YARP's error and exception) to Envoy's failure kinds, which decide retries and the status.</summary>
internal static class UpstreamFailureClassifier
{
    private const long RefusedStream = 0x7;

    public static UpstreamFailure Classify(HttpContext context, ForwarderError error)
    {
        if (error == ForwarderError.RequestTimedOut)
        {
            return UpstreamFailure.Timeout;
        }

        if (error is not (ForwarderError.Request or ForwarderError.RequestCanceled))
        {
            return UpstreamFailure.Other;
        }

        var exception = context.Features.Get<IForwarderErrorFeature>()?.Exception;
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case HttpProtocolException { ErrorCode: RefusedStream }:
                    return UpstreamFailure.RefusedStream;
                // A refused mesh mTLS handshake is a connect failure too, as in Envoy (TLS error while connecting).
                case HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError }:
                    return UpstreamFailure.ConnectFailure;
                case HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse or HttpRequestError.HttpProtocolError }:
                    return UpstreamFailure.Reset;
                case IOException:
                    return UpstreamFailure.Reset;
            }
        }

        return UpstreamFailure.Other;
    }

    /// <summary>The status and body Envoy answers with when a request gets no upstream response.</summary>
    public static (int Status, string Body) Response(UpstreamFailure failure) => failure switch
    {
        UpstreamFailure.Timeout => (StatusCodes.Status504GatewayTimeout, "upstream request timeout"),
        UpstreamFailure.ConnectFailure => (StatusCodes.Status503ServiceUnavailable, "upstream connect error or disconnect/reset before headers. reset reason: connection failure"),
        UpstreamFailure.RefusedStream => (StatusCodes.Status503ServiceUnavailable, "upstream connect error or disconnect/reset before headers. reset reason: refused stream"),
        UpstreamFailure.Reset => (StatusCodes.Status503ServiceUnavailable, "upstream connect error or disconnect/reset before headers. reset reason: connection termination"),
        _ => (StatusCodes.Status502BadGateway, "upstream request failed"),
    };
}
