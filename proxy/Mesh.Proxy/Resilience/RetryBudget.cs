namespace Mesh.Proxy.Resilience;

/// <summary>
/// Linkerd's retry budget: over a sliding 10 s window, retries may add at most 20% to the requests sent, plus a
/// reserve of 10 retries per second so that low-traffic services can still retry. Keeps retries from turning an
/// outage into a retry storm.
/// </summary>
internal sealed class RetryBudget
{
    public const double RetryRatio = 0.2;
    public const int MinRetriesPerSecond = 10;
    private const int WindowSeconds = 10;

    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly Lock _lock = new();
    private readonly long[] _bucketSecond = new long[WindowSeconds];
    private readonly int[] _requests = new int[WindowSeconds];
    private readonly int[] _retries = new int[WindowSeconds];

    public RetryBudget(TimeProvider time)
    {
        _time = time;
        _origin = time.GetTimestamp();
    }

    /// <summary>Counts a first try (a deposit into the budget).</summary>
    public void RecordRequest()
    {
        lock (_lock)
        {
            _requests[Bucket()]++;
        }
    }

    /// <summary>Takes one retry from the budget; false when the budget is spent.</summary>
    public bool TryWithdraw()
    {
        lock (_lock)
        {
            var current = Bucket();
            long requests = 0, retries = 0;
            for (var i = 0; i < WindowSeconds; i++)
            {
                requests += _requests[i];
                retries += _retries[i];
            }

            if (retries >= (MinRetriesPerSecond * WindowSeconds) + (RetryRatio * requests))
            {
                return false;
            }

            _retries[current]++;
            return true;
        }
    }

    private int Bucket()
    {
        var second = (long)_time.GetElapsedTime(_origin).TotalSeconds;
        var index = (int)(second % WindowSeconds);
        if (_bucketSecond[index] != second)
        {
            // Buckets older than the window are reset lazily when their slot comes round again.
            for (var i = 0; i < WindowSeconds; i++)
            {
                if (second - _bucketSecond[i] >= WindowSeconds)
                {
                    _bucketSecond[i] = second - ((second - i) % WindowSeconds + WindowSeconds) % WindowSeconds;
                    _requests[i] = 0;
                    _retries[i] = 0;
                }
            }

            _bucketSecond[index] = second;
            _requests[index] = 0;
            _retries[index] = 0;
        }

        return index;
    }
}
