using Mesh.Proxy.Resilience;

namespace Mesh.Proxy.Clusters;

/// <summary>Per-cluster live state shared across snapshots: in-flight requests, retries in flight and the retry budget.</summary>
internal sealed class ClusterStats
{
    private int _inFlight;
    private int _retriesInFlight;

    public ClusterStats(TimeProvider time) => RetryBudget = new RetryBudget(time);

    public RetryBudget RetryBudget { get; }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Admits a request unless the cluster already has <paramref name="limit"/> in flight (0: unlimited).</summary>
    public bool TryEnter(int limit)
    {
        var now = Interlocked.Increment(ref _inFlight);
        if (limit > 0 && now > limit)
        {
            Interlocked.Decrement(ref _inFlight);
            return false;
        }

        return true;
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);

    public bool TryEnterRetry(int limit)
    {
        var now = Interlocked.Increment(ref _retriesInFlight);
        if (limit > 0 && now > limit)
        {
            Interlocked.Decrement(ref _retriesInFlight);
            return false;
        }

        return true;
    }

    public void ExitRetry() => Interlocked.Decrement(ref _retriesInFlight);
}
