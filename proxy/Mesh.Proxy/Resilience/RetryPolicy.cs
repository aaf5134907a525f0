using System.Net;
using Mesh.Proxy.Config;

namespace Mesh.Proxy.Resilience;

/// <summary>When a failed try is tried again (Envoy/Istio <c>retryOn</c> names) and how often.</summary>
internal sealed class RetryPolicy
{
    /// <summary>Istio's default when a route has no <c>retries</c>: 2 retries on connect-failure,refused-stream,unavailable,cancelled.</summary>
    public static readonly RetryPolicy Default = new(2, null, RetryOn.ConnectFailure | RetryOn.RefusedStream | RetryOn.Unavailable | RetryOn.Cancelled, []);

    public static readonly RetryPolicy Disabled = new(0, null, RetryOn.None, []);

    private readonly HashSet<int> _statusCodes;

    private RetryPolicy(int attempts, TimeSpan? perTryTimeout, RetryOn conditions, IEnumerable<int> statusCodes, bool remoteLocalities = false, TimeSpan? backoff = null)
    {
        Attempts = attempts;
        Backoff = backoff;
        RemoteLocalities = remoteLocalities;
        PerTryTimeout = perTryTimeout;
        Conditions = conditions;
        _statusCodes = [.. statusCodes];
    }

    /// <summary>Retries after the first try.</summary>
    public int Attempts { get; }

    public TimeSpan? PerTryTimeout { get; }

    public RetryOn Conditions { get; }

    /// <summary>Istio's retryRemoteLocalities: a retry avoids the locality priorities already tried.</summary>
    public bool RemoteLocalities { get; }

    /// <summary>Istio's backoff: the least wait before a retry; null for Envoy's default back-off.</summary>
    public TimeSpan? Backoff { get; }

    public static RetryPolicy Create(Api.V1.RetryPolicy? proto, string path)
    {
        if (proto is null)
        {
            return Default;
        }

        if (proto.Attempts == 0)
        {
            return Disabled;
        }

        var conditions = RetryOn.None;
        var codes = new List<int>();
        for (var i = 0; i < proto.RetryOn.Count; i++)
        {
            var name = proto.RetryOn[i].Trim();
            if (int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code) && code is >= 100 and <= 599)
            {
                codes.Add(code);
                continue;
            }

            conditions |= name switch
            {
                "5xx" => RetryOn.FiveXx,
                "gateway-error" => RetryOn.GatewayError,
                "reset" => RetryOn.Reset,
                "connect-failure" => RetryOn.ConnectFailure,
                "refused-stream" => RetryOn.RefusedStream,
                "retriable-status-codes" => RetryOn.RetriableStatusCodes,
                "retriable-4xx" => RetryOn.Retriable4xx,
                "unavailable" => RetryOn.Unavailable,
                "cancelled" => RetryOn.Cancelled,
                "deadline-exceeded" => RetryOn.DeadlineExceeded,
                "resource-exhausted" => RetryOn.ResourceExhausted,
                "internal" => RetryOn.Internal,
                _ => throw new InvalidProxyConfigException($"{path}.retry_on[{i}]", $"unknown retry condition '{name}'"),
            };
        }

        if ((conditions & RetryOn.RetriableStatusCodes) != 0)
        {
            codes.AddRange(proto.RetriableStatusCodes.Select(c => (int)c));
        }

        var perTry = proto.PerTryTimeout?.ToTimeSpan();
        var backoff = proto.Backoff?.ToTimeSpan();
        if (backoff < TimeSpan.Zero)
        {
            throw new InvalidProxyConfigException(path + ".backoff", $"{backoff} is negative");
        }

        return new RetryPolicy((int)proto.Attempts, perTry > TimeSpan.Zero ? perTry : null, conditions, codes, proto.RetryRemoteLocalities, backoff > TimeSpan.Zero ? backoff : null);
    }

    /// <summary>Whether an upstream answer with this status (and gRPC status, -1 if none) is worth another try.</summary>
    public bool IsRetriable(int status, int grpcStatus)
    {
        if (Attempts == 0)
        {
            return false;
        }

        return ((Conditions & RetryOn.FiveXx) != 0 && status >= 500)
            || ((Conditions & RetryOn.GatewayError) != 0 && status is (int)HttpStatusCode.BadGateway or (int)HttpStatusCode.ServiceUnavailable or (int)HttpStatusCode.GatewayTimeout)
            || ((Conditions & RetryOn.Retriable4xx) != 0 && status == (int)HttpStatusCode.Conflict)
            || _statusCodes.Contains(status)
            || (grpcStatus >= 0 && IsRetriableGrpc(grpcStatus));
    }

    /// <summary>Whether a try that failed without a response (no status) is worth another try.</summary>
    public bool IsRetriable(UpstreamFailure failure)
    {
        if (Attempts == 0)
        {
            return false;
        }

        return failure switch
        {
            UpstreamFailure.ConnectFailure => (Conditions & (RetryOn.ConnectFailure | RetryOn.FiveXx | RetryOn.GatewayError)) != 0,
            UpstreamFailure.RefusedStream => (Conditions & (RetryOn.RefusedStream | RetryOn.FiveXx | RetryOn.Reset)) != 0,
            UpstreamFailure.Reset => (Conditions & (RetryOn.Reset | RetryOn.FiveXx | RetryOn.GatewayError)) != 0,
            UpstreamFailure.Timeout => (Conditions & (RetryOn.FiveXx | RetryOn.GatewayError)) != 0,
            _ => false,
        };
    }

    private bool IsRetriableGrpc(int grpcStatus) => grpcStatus switch
    {
        1 => (Conditions & RetryOn.Cancelled) != 0,
        4 => (Conditions & RetryOn.DeadlineExceeded) != 0,
        8 => (Conditions & RetryOn.ResourceExhausted) != 0,
        13 => (Conditions & RetryOn.Internal) != 0,
        14 => (Conditions & RetryOn.Unavailable) != 0,
        _ => false,
    };
}

[Flags]
internal enum RetryOn
{
    None = 0,
    FiveXx = 1,
    GatewayError = 2,
    Reset = 4,
    ConnectFailure = 8,
    RefusedStream = 16,
    RetriableStatusCodes = 32,
    Retriable4xx = 64,
    Unavailable = 128,
    Cancelled = 256,
    DeadlineExceeded = 512,
    ResourceExhausted = 1024,
    Internal = 2048,
}

/// <summary>How a try failed when the upstream produced no response.</summary>
internal enum UpstreamFailure
{
    None,
    ConnectFailure,
    RefusedStream,
    Reset,
    Timeout,
    Other,
}
