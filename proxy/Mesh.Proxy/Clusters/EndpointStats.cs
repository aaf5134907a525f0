namespace Mesh.Proxy.Clusters;

/// <summary>
/// The live state of an endpoint: in-flight requests, peak-EWMA latency and outlier detection counters. It is
/// shared by every snapshot in which the endpoint appears so that a config swap forgets nothing.
/// </summary>
internal sealed class EndpointStats
{
    // Finagle's and Linkerd's peak-EWMA decay constant.
    private const double DecaySeconds = 10;

    private readonly Lock _latencyLock = new();
    private int _inFlight;
    private double _ewmaSeconds;
    private long _ewmaStamp;

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Consecutive 5xx answers (and locally originated failures) since the last success.</summary>
    public int Consecutive5xx;

    /// <summary>Consecutive 502/503/504 answers and connect failures since the last success.</summary>
    public int ConsecutiveGatewayErrors;

    /// <summary>Consecutive connect failures, resets and timeouts; counted only in split mode.</summary>
    public int ConsecutiveLocalOriginFailures;

    /// <summary>Ejected while <see cref="TimeProvider.GetTimestamp"/> is below this value; 0 when never ejected.</summary>
    public long EjectedUntil;

    /// <summary>How many times the endpoint has been ejected; the ejection time grows with it.</summary>
    public int EjectionCount;

    public bool IsEjected(long now) => Volatile.Read(ref EjectedUntil) > now;

    public void OnRequestStarted() => Interlocked.Increment(ref _inFlight);

    public void OnRequestFinished() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Latency estimate in seconds: jumps up to a slower sample at once, decays towards faster ones.</summary>
    public double PeakEwmaSeconds(long now, TimeProvider time)
    {
        lock (_latencyLock)
        {
            return Decayed(now, time);
        }
    }

    public void RecordLatency(double seconds, long now, TimeProvider time)
    {
        lock (_latencyLock)
        {
            var current = Decayed(now, time);
            _ewmaSeconds = seconds > current ? seconds : current + ((seconds - current) * (1 - Weight(now, time)));
            _ewmaStamp = now;
        }
    }

    private double Decayed(long now, TimeProvider time) => _ewmaStamp == 0 ? 0 : _ewmaSeconds * Weight(now, time);

    private double Weight(long now, TimeProvider time) =>
        _ewmaStamp == 0 ? 0 : Math.Exp(-time.GetElapsedTime(_ewmaStamp, now).TotalSeconds / DecaySeconds);
}
