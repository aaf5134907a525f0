namespace Mesh.Kubernetes.Queue;

/// <summary>
/// The longer of a per-key exponential backoff and an overall token bucket (client-go's MaxOfRateLimiter of
/// ItemExponentialFailureRateLimiter and BucketRateLimiter). Not thread-safe: the queue calls it under its lock.
/// </summary>
internal sealed class WorkQueueRateLimiter<TKey>
    where TKey : notnull
{
    private readonly WorkQueueOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<TKey, int> _failures = [];
    private double _tokens;
    private long _refilledAt;

    public WorkQueueRateLimiter(WorkQueueOptions options, TimeProvider timeProvider)
    {
        _options = options;
        _timeProvider = timeProvider;
        _tokens = options.Burst;
        _refilledAt = timeProvider.GetTimestamp();
    }

    public TimeSpan When(TKey key)
    {
        _failures.TryGetValue(key, out var failures);
        _failures[key] = failures + 1;
        // In double milliseconds: 2^failures overflows a TimeSpan long before the cap matters.
        var milliseconds = _options.BaseDelay.TotalMilliseconds * Math.Pow(2, failures);
        var backoff = milliseconds >= _options.MaxDelay.TotalMilliseconds ? _options.MaxDelay : TimeSpan.FromMilliseconds(milliseconds);

        var bucket = ReserveToken();
        return backoff > bucket ? backoff : bucket;
    }

    public int NumRequeues(TKey key) => _failures.GetValueOrDefault(key);

    public void Forget(TKey key) => _failures.Remove(key);

    /// <summary>Takes a token, going into debt when none is left; the debt is the wait.</summary>
    private TimeSpan ReserveToken()
    {
        var now = _timeProvider.GetTimestamp();
        var elapsed = _timeProvider.GetElapsedTime(_refilledAt, now).TotalSeconds;
        _refilledAt = now;
        _tokens = Math.Min(_options.Burst, _tokens + (elapsed * _options.QueriesPerSecond));
        _tokens -= 1;
        return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / _options.QueriesPerSecond);
    }
}
