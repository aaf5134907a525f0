namespace Mesh.Operator.Reconcile;

/// <summary>
/// Folds bursts of changes into few reconciles. A change after a quiet spell (none for
/// <see cref="ReconcileOptions.DebounceQuiet"/>) fires at once: a lone edit should not wait for a burst that is not
/// coming. Changes that follow it fold into one firing once they pause for the quiet period, or
/// <see cref="ReconcileOptions.DebounceMax"/> after the first of them even while they keep coming, so a steady trickle
/// cannot starve the proxies. A burst thus costs at most two reconciles. Reports when the first folded change was seen.
/// </summary>
internal sealed class ChangeDebouncer : IDisposable
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _quiet;
    private readonly TimeSpan _max;
    private readonly Action<DateTimeOffset> _fire;
    private readonly ITimer _timer;
    private DateTimeOffset? _firstChange;
    private DateTimeOffset _lastChange = DateTimeOffset.MinValue;
    private bool _leading;
    private bool _disposed;

    /// <param name="fire">Called on a timer thread with the time the first folded change was seen.</param>
    public ChangeDebouncer(TimeProvider timeProvider, TimeSpan quiet, TimeSpan max, Action<DateTimeOffset> fire)
    {
        _timeProvider = timeProvider;
        _quiet = quiet;
        _max = max < quiet ? quiet : max;
        _fire = fire;
        _timer = timeProvider.CreateTimer(_ => OnTimer(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>A change was seen now.</summary>
    public void Notify()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            var now = _timeProvider.GetUtcNow();
            if (_firstChange is null)
            {
                // Idle for the quiet period: fire now. A change that comes before that firing ran is taken by it.
                _leading = now - _lastChange >= _quiet;
                _firstChange = now;
            }

            _lastChange = now;
            Arm(now);
        }
    }

    private void OnTimer()
    {
        DateTimeOffset firstChange;
        lock (_gate)
        {
            if (_disposed || _firstChange is null)
            {
                return;
            }

            var now = _timeProvider.GetUtcNow();
            if (now < DueAt())
            {
                // A change arrived after the timer was armed; wait for the quiet period it started.
                Arm(now);
                return;
            }

            firstChange = _firstChange.Value;
            _firstChange = null;
            _leading = false;
        }

        _fire(firstChange);
    }

    // Called under the lock.
    private DateTimeOffset DueAt()
    {
        if (_leading)
        {
            return _firstChange!.Value;
        }

        var quietEnds = _lastChange + _quiet;
        var maxEnds = _firstChange!.Value + _max;
        return quietEnds < maxEnds ? quietEnds : maxEnds;
    }

    // Called under the lock.
    private void Arm(DateTimeOffset now)
    {
        var delay = DueAt() - now;
        _timer.Change(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
        }

        _timer.Dispose();
    }
}
