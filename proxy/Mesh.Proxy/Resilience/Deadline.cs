namespace Mesh.Proxy.Resilience;

/// <summary>A token cancelled by its parent or when the timeout (measured by the TimeProvider) expires.</summary>
internal sealed class Deadline : IDisposable
{
    private readonly CancellationTokenSource _timer;
    private readonly CancellationTokenSource _linked;

    public Deadline(CancellationToken parent, TimeSpan timeout, TimeProvider time)
    {
        _timer = new CancellationTokenSource(timeout, time);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(parent, _timer.Token);
    }

    public CancellationToken Token => _linked.Token;

    /// <summary>True once the timeout has expired (not merely the parent cancelled).</summary>
    public bool IsExpired => _timer.IsCancellationRequested;

    public void Dispose()
    {
        _linked.Dispose();
        _timer.Dispose();
    }
}
