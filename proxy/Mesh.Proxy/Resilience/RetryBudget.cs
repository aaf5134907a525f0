namespace Mesh.Proxy.Resilience;

/// <summary>
/// Linkerd's retry budget: over a sliding 10 s window, retries may add at most 20% to the requests sent, plus a
/// reserve of 10 retries per second so that low-traffic services can still retry. Keeps retries from turning an
/// outage into a retry storm. Lock-free: each one-second bucket packs its second and its count into one long.
/// </summary>
internal sealed class RetryBudget
{
    public const double RetryRatio = 0.2;
    public const int MinRetriesPerSecond = 10;
    private const int WindowSeconds = 10;

    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly long[] _requests = new long[WindowSeconds];
    private readonly long[] _retries = new long[WindowSeconds];

    public RetryBudget(TimeProvider time)
    {
        _time = time;
        _origin = time.GetTimestamp();
    }

    /// <summary>Counts a first try (a deposit into the budget).</summary>
    public void RecordRequest() => Increment(_requests, CurrentSecond());

    /// <summary>Takes one retry from the budget; false when the budget is spent.</summary>
    public bool TryWithdraw()
    {
        var second = CurrentSecond();
        var allowed = (MinRetriesPerSecond * WindowSeconds) + (RetryRatio * Sum(_requests, second));
        if (Sum(_retries, second) >= allowed)
        {
            return false;
        }

        Increment(_retries, second);
        return true;
    }

    private long CurrentSecond() => (long)_time.GetElapsedTime(_origin).TotalSeconds;

    private static void Increment(long[] buckets, long second)
    {
        ref var slot = ref buckets[second % WindowSeconds];
        while (true)
        {
            var packed = Volatile.Read(ref slot);
            var next = (packed >> 32) == second ? packed + 1 : (second << 32) | 1;
            if (Interlocked.CompareExchange(ref slot, next, packed) == packed)
            {
                return;
            }
        }
    }

    private static long Sum(long[] buckets, long second)
    {
        long sum = 0;
        for (var i = 0; i < buckets.Length; i++)
        {
            var packed = Volatile.Read(ref buckets[i]);
            if (second - (packed >> 32) < WindowSeconds)
            {
                sum += packed & uint.MaxValue;
            }
        }

        return sum;
    }
}
