using Mesh.Proxy.Clusters;

namespace Mesh.Proxy.Resilience;

/// <summary>
/// Passive health checking (Envoy outlier detection): an endpoint that answers with enough consecutive 5xx or
/// gateway errors is ejected for baseEjectionTime × the number of times it has been ejected. Never more than
/// maxEjectionPercent of the cluster is ejected (at least one endpoint may be, as in Envoy), and no ejection is made
/// that would leave fewer than minHealthPercent of the endpoints healthy. Ejection ends by itself when its time is
/// up: balancers compare against the clock on every pick. As in Envoy, the ejection multiplier drops by one for every
/// <c>interval</c> the endpoint stays healthy after its last ejection ended. Locally originated failures (connect
/// failure, reset, timeout) count as gateway errors, or, in split mode, only towards their own consecutive count.
/// </summary>
internal sealed class OutlierDetector
{
    private const int DefaultConsecutiveLocalOriginFailures = 5;

    private readonly int _consecutive5xx;
    private readonly int _consecutiveGateway;
    private readonly int _consecutiveLocalOrigin;
    private readonly TimeSpan _baseEjectionTime;
    private readonly TimeSpan _interval;
    private readonly int _maxEjectionPercent;
    private readonly int _minHealthPercent;
    private readonly TimeProvider _time;
    private readonly Lock _ejectLock = new();
    private EndpointRuntime[] _endpoints = [];

    /// <param name="consecutiveLocalOrigin">Split mode when above 0: local failures in a row that eject, and only those count them.</param>
    public OutlierDetector(int consecutive5xx, int consecutiveGateway, TimeSpan baseEjectionTime, TimeSpan interval, int maxEjectionPercent, TimeProvider time, int minHealthPercent = 0, int consecutiveLocalOrigin = 0)
    {
        _interval = interval;
        _consecutive5xx = consecutive5xx;
        _consecutiveGateway = consecutiveGateway;
        _consecutiveLocalOrigin = consecutiveLocalOrigin;
        _baseEjectionTime = baseEjectionTime;
        _maxEjectionPercent = maxEjectionPercent;
        _minHealthPercent = minHealthPercent;
        _time = time;
    }

    /// <summary>Istio's defaults: 5 consecutive 5xx, 10 s interval, 30 s base ejection, 10% at most, no minimum healthy.</summary>
    public static OutlierDetector? Create(Api.V1.OutlierDetection? proto, TimeProvider time)
    {
        if (proto is null)
        {
            return null;
        }

        var baseEjection = proto.BaseEjectionTime?.ToTimeSpan() is { } t && t > TimeSpan.Zero ? t : TimeSpan.FromSeconds(30);
        var interval = proto.Interval?.ToTimeSpan() is { } i && i > TimeSpan.Zero ? i : TimeSpan.FromSeconds(10);
        var maxPercent = (int)Math.Min(proto.MaxEjectionPercent == 0 ? 10 : proto.MaxEjectionPercent, 100);
        var split = proto.SplitExternalLocalOriginErrors;
        var localOrigin = !split ? 0 : proto.ConsecutiveLocalOriginFailures == 0 ? DefaultConsecutiveLocalOriginFailures : (int)Math.Min(proto.ConsecutiveLocalOriginFailures, int.MaxValue);

        // Zero 5xx and gateway counts are a hand-written config that set nothing (the compiler writes Istio's
        // defaults); in split mode they are a deliberate choice to eject for local failures only.
        var consecutive5xx = proto.Consecutive5XxErrors == 0 && proto.ConsecutiveGatewayErrors == 0 && !split ? 5 : (int)proto.Consecutive5XxErrors;
        return new OutlierDetector(consecutive5xx, (int)proto.ConsecutiveGatewayErrors, baseEjection, interval, maxPercent, time, (int)Math.Min(proto.MinHealthPercent, 100), localOrigin);
    }

    public void Attach(EndpointRuntime[] endpoints) => _endpoints = endpoints;

    /// <summary>Records the outcome of one try: an HTTP status, or 0 for a locally originated failure (connect, reset, timeout).</summary>
    public void Report(EndpointRuntime endpoint, int status)
    {
        var stats = endpoint.Stats;
        if (_consecutiveLocalOrigin > 0)
        {
            if (status == 0)
            {
                if (Interlocked.Increment(ref stats.ConsecutiveLocalOriginFailures) >= _consecutiveLocalOrigin)
                {
                    TryEject(endpoint);
                }

                return;
            }

            // An answer arrived: the connection worked, whatever the status says about the upstream.
            if (Volatile.Read(ref stats.ConsecutiveLocalOriginFailures) != 0)
            {
                Volatile.Write(ref stats.ConsecutiveLocalOriginFailures, 0);
            }
        }

        if (status is > 0 and < 500)
        {
            Volatile.Write(ref stats.Consecutive5xx, 0);
            Volatile.Write(ref stats.ConsecutiveGatewayErrors, 0);
            return;
        }

        var fiveXx = Interlocked.Increment(ref stats.Consecutive5xx);
        var gateway = 0;
        if (status is 0 or 502 or 503 or 504)
        {
            gateway = Interlocked.Increment(ref stats.ConsecutiveGatewayErrors);
        }
        else
        {
            Volatile.Write(ref stats.ConsecutiveGatewayErrors, 0);
        }

        if ((_consecutive5xx > 0 && fiveXx >= _consecutive5xx) || (_consecutiveGateway > 0 && gateway >= _consecutiveGateway))
        {
            TryEject(endpoint);
        }
    }

    private void TryEject(EndpointRuntime endpoint)
    {
        lock (_ejectLock)
        {
            var now = _time.GetTimestamp();
            if (endpoint.Stats.IsEjected(now))
            {
                return;
            }

            var ejected = _endpoints.Count(e => e.Stats.IsEjected(now));
            var allowed = Math.Max(1, _endpoints.Length * _maxEjectionPercent / 100);
            if (ejected >= allowed)
            {
                return;
            }

            // Envoy stops honouring ejections below its panic threshold; not ejecting keeps the same traffic on the
            // endpoints that are left, without a second pass over them on every pick.
            if (_minHealthPercent > 0 && (_endpoints.Length - ejected - 1) * 100 < _minHealthPercent * _endpoints.Length)
            {
                return;
            }

            var stats = endpoint.Stats;
            if (stats.EjectedUntil != 0 && now > stats.EjectedUntil)
            {
                var healthyIntervals = (int)Math.Min(int.MaxValue, _time.GetElapsedTime(stats.EjectedUntil, now) / _interval);
                stats.EjectionCount = Math.Max(0, stats.EjectionCount - healthyIntervals);
            }

            stats.EjectionCount++;
            var duration = _baseEjectionTime * stats.EjectionCount;
            Volatile.Write(ref stats.EjectedUntil, now + (long)(duration.TotalSeconds * _time.TimestampFrequency));
            Volatile.Write(ref stats.Consecutive5xx, 0);
            Volatile.Write(ref stats.ConsecutiveGatewayErrors, 0);
            Volatile.Write(ref stats.ConsecutiveLocalOriginFailures, 0);
        }
    }
}
