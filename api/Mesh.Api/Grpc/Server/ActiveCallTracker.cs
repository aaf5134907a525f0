namespace Mesh.Api.Grpc;

/// <summary>Counts calls whose handler has started and whose response has not ended; proves nothing leaks.</summary>
internal sealed class ActiveCallTracker
{
    private int _activeCalls;

    public int ActiveCalls => Volatile.Read(ref _activeCalls);

    public void CallStarted() => Interlocked.Increment(ref _activeCalls);

    public void CallEnded() => Interlocked.Decrement(ref _activeCalls);
}
