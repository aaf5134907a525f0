namespace Mesh.Operator.ConfigServer;

/// <summary>
/// Measures how long changes take to reach every proxy they affect: from the moment the oldest unconverged change
/// was seen to the moment the last proxy that was pushed a config answered the newest generation it was pushed.
/// A publication that changes no proxy's config records nothing.
/// </summary>
internal sealed class ConvergenceTracker
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _timeProvider;
    private readonly Action<TimeSpan> _converged;

    // Connection id → the newest generation it was pushed and has not answered yet.
    private readonly Dictionary<long, long> _awaiting = [];
    private DateTimeOffset _oldestChangeSeenAt;

    public ConvergenceTracker(TimeProvider timeProvider, Action<TimeSpan> converged)
    {
        _timeProvider = timeProvider;
        _converged = converged;
    }

    /// <summary><paramref name="generation"/>, first seen at <paramref name="changeSeenAt"/>, was pushed to these connections.</summary>
    public void Pushed(long generation, DateTimeOffset changeSeenAt, IEnumerable<long> connectionIds)
    {
        lock (_gate)
        {
            var wasIdle = _awaiting.Count == 0;
            foreach (var id in connectionIds)
            {
                _awaiting[id] = generation;
            }

            if (_awaiting.Count > 0 && (wasIdle || changeSeenAt < _oldestChangeSeenAt))
            {
                _oldestChangeSeenAt = changeSeenAt;
            }
        }
    }

    /// <summary>A connection answered (ACK or NACK) a response of <paramref name="generation"/>.</summary>
    public void Answered(long connectionId, long generation)
    {
        lock (_gate)
        {
            if (_awaiting.TryGetValue(connectionId, out var awaited) && awaited <= generation)
            {
                _awaiting.Remove(connectionId);
                CompleteIfDone();
            }
        }
    }

    /// <summary>A connection went away: it is no longer waited for.</summary>
    public void Disconnected(long connectionId)
    {
        lock (_gate)
        {
            if (_awaiting.Remove(connectionId))
            {
                CompleteIfDone();
            }
        }
    }

    private void CompleteIfDone()
    {
        if (_awaiting.Count == 0)
        {
            var elapsed = _timeProvider.GetUtcNow() - _oldestChangeSeenAt;
            _converged(elapsed < TimeSpan.Zero ? TimeSpan.Zero : elapsed);
        }
    }
}
