namespace Mesh.Proxy.Tcp;

/// <summary>
/// Cancels a connection that saw no byte for the idle timeout. Activity is one timestamp store (no timer change on
/// the byte path); the timer, when it fires, re-arms itself for the time left since the last activity.
/// </summary>
internal sealed class IdleTimer : IDisposable
{
    private readonly TimeProvider _time;
    private readonly TimeSpan _timeout;
    private readonly CancellationTokenSource _cancel;
    private readonly ITimer _timer;
    private long _lastActivity;

    public IdleTimer(TimeProvider time, TimeSpan timeout, CancellationTokenSource cancel)
    {
        _time = time;
        _timeout = timeout;
        _cancel = cancel;
        _lastActivity = time.GetTimestamp();
        _timer = time.CreateTimer(static state => ((IdleTimer)state!).OnTimer(), this, timeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>True once the connection was closed for being idle.</summary>
    public bool Expired { get; private set; }

    public void Touch() => Volatile.Write(ref _lastActivity, _time.GetTimestamp());

    public void Dispose() => _timer.Dispose();

    private void OnTimer()
    {
        var idle = _time.GetElapsedTime(Volatile.Read(ref _lastActivity));
        if (idle < _timeout)
        {
            _timer.Change(_timeout - idle, Timeout.InfiniteTimeSpan);
            return;
        }

        Expired = true;
        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended as the timer fired.
        }
    }
}
