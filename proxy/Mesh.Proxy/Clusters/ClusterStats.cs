using Mesh.Proxy.Resilience;

namespace Mesh.Proxy.Clusters;

/// <summary>Per-cluster live state shared across snapshots: in-flight requests, retries in flight, the retry budget and open L4 connections.</summary>
internal sealed class ClusterStats
{
    private int _inFlight;
    private int _retriesInFlight;
    private int _tcpConnections;

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

    /// <summary>L4 connections open to this cluster's endpoints.</summary>
    public int TcpConnections => Volatile.Read(ref _tcpConnections);

    /// <summary>Admits an L4 connection unless <paramref name="limit"/> are already open (0: unlimited): connectionPool.tcp.maxConnections.</summary>
    public bool TryEnterTcpConnection(int limit)
    {
        var now = Interlocked.Increment(ref _tcpConnections);
        if (limit > 0 && now > limit)
        {
            Interlocked.Decrement(ref _tcpConnections);
            return false;
        }

        return true;
    }

    public void ExitTcpConnection() => Interlocked.Decrement(ref _tcpConnections);
}
