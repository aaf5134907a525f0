namespace Mesh.Proxy.Lifecycle;

/// <summary>Whether the proxy is draining, and how many proxied requests are in flight.</summary>
internal sealed class DrainState
{
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private int _draining;

    public bool IsDraining => Volatile.Read(ref _draining) != 0;

    public int InFlight => Volatile.Read(ref _inFlight);

    public void OnRequestStarted() => Interlocked.Increment(ref _inFlight);

    public void OnRequestFinished()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && IsDraining)
        {
            _idle.TrySetResult();
        }
    }

    /// <summary>Starts draining; completes when no proxied request is in flight.</summary>
    public Task BeginDrain()
    {
        Volatile.Write(ref _draining, 1);
        if (InFlight == 0)
        {
            _idle.TrySetResult();
        }

        return _idle.Task;
    }
}
