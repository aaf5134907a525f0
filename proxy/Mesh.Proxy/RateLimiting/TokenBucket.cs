namespace Mesh.Proxy.RateLimiting;

/// <summary>
/// A token bucket of <see cref="Burst"/> tokens refilled at <see cref="RequestsPerSecond"/>, kept as the generic
/// cell rate algorithm: one timestamp (the theoretical arrival time of the next request) updated with a
/// compare-and-swap, so requests never take a lock and the bucket needs no refill timer. The bucket starts full.
/// </summary>
internal sealed class TokenBucket
{
    private readonly long _interval;
    private readonly long _burstWindow;
    private long _theoreticalArrival;

    /// <param name="name">"NAMESPACE/NAME" of the MeshPolicy.</param>
    /// <param name="requestsPerSecond">Refill rate; positive and finite.</param>
    /// <param name="burst">Capacity; 0 means max(1, requestsPerSecond) as documented in README.md.</param>
    /// <param name="timestampFrequency">Ticks per second of the timestamps passed to <see cref="TryTake"/>.</param>
    /// <param name="now">The current timestamp.</param>
    public TokenBucket(string name, double requestsPerSecond, uint burst, long timestampFrequency, long now)
    {
        Name = name;
        RequestsPerSecond = requestsPerSecond;
        ConfiguredBurst = burst;
        Burst = burst > 0 ? burst : Math.Max(1, (long)Math.Floor(requestsPerSecond));
        Frequency = timestampFrequency;
        _interval = Math.Max(1, (long)Math.Round(timestampFrequency / requestsPerSecond));

        // Saturate rather than overflow for huge bursts of slow buckets; such a bucket is effectively unlimited.
        _burstWindow = Burst > long.MaxValue / 4 / _interval ? long.MaxValue / 4 : Burst * _interval;
        _theoreticalArrival = now;
    }

    public string Name { get; }

    public double RequestsPerSecond { get; }

    /// <summary>The burst as configured (0 = default), to tell whether a new config changed the bucket.</summary>
    public uint ConfiguredBurst { get; }

    /// <summary>The effective capacity in tokens.</summary>
    public long Burst { get; }

    public long Frequency { get; }

    /// <summary>Takes one token. When the bucket is empty, <paramref name="wait"/> is how long (in timestamp ticks) until one is free.</summary>
    public bool TryTake(long now, out long wait)
    {
        while (true)
        {
            var arrival = Volatile.Read(ref _theoreticalArrival);
            var next = Math.Max(arrival, now) + _interval;
            var earliest = next - _burstWindow;
            if (earliest > now)
            {
                wait = earliest - now;
                return false;
            }

            if (Interlocked.CompareExchange(ref _theoreticalArrival, next, arrival) == arrival)
            {
                wait = 0;
                return true;
            }
        }
    }

    /// <summary>Puts back a token taken by a request that another limit then rejected.</summary>
    public void Return() => Interlocked.Add(ref _theoreticalArrival, -_interval);
}
