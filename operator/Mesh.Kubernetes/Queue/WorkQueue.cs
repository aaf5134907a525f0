namespace Mesh.Kubernetes.Queue;

/// <summary>
/// The work queue: a FIFO of distinct keys (dirty set), the keys being processed, workers waiting for a key,
/// and keys waiting for their delay on one timer of the <see cref="TimeProvider"/>. One lock guards it all.
/// </summary>
internal sealed class WorkQueue<TKey> : IWorkQueue<TKey>
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly Queue<TKey> _queue = new();
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly LinkedList<Waiter> _waiters = new();
    private readonly PriorityQueue<TKey, long> _delayed = new();
    private readonly Dictionary<TKey, long> _delayedDue = [];
    private readonly WorkQueueRateLimiter<TKey> _rateLimiter;
    private readonly TimeProvider _timeProvider;
    private readonly ITimer _timer;
    private TaskCompletionSource? _drained;
    private bool _shuttingDown;
    private long _timerDue = long.MaxValue;

    public WorkQueue(WorkQueueOptions options, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        _rateLimiter = new WorkQueueRateLimiter<TKey>(options, timeProvider);
        _timer = timeProvider.CreateTimer(static state => ((WorkQueue<TKey>)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    public bool IsShuttingDown
    {
        get
        {
            lock (_gate)
            {
                return _shuttingDown;
            }
        }
    }

    public void Add(TKey key)
    {
        lock (_gate)
        {
            AddLocked(key);
        }
    }

    public void AddAfter(TKey key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            var due = _timeProvider.GetTimestamp() + (long)(delay.TotalSeconds * _timeProvider.TimestampFrequency);
            if (_delayedDue.TryGetValue(key, out var existing) && existing <= due)
            {
                return;
            }

            // A superseded heap entry stays behind and is skipped when it surfaces.
            _delayedDue[key] = due;
            _delayed.Enqueue(key, due);
            ArmTimerLocked();
        }
    }

    public void AddRateLimited(TKey key)
    {
        TimeSpan delay;
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            delay = _rateLimiter.When(key);
        }

        AddAfter(key, delay);
    }

    public void Forget(TKey key)
    {
        lock (_gate)
        {
            _rateLimiter.Forget(key);
        }
    }

    public int NumRequeues(TKey key)
    {
        lock (_gate)
        {
            return _rateLimiter.NumRequeues(key);
        }
    }

    public ValueTask<(TKey Key, bool ShutDown)> GetAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_queue.TryDequeue(out var key))
            {
                _dirty.Remove(key);
                _processing.Add(key);
                return ValueTask.FromResult((key, false));
            }

            if (_shuttingDown)
            {
                return ValueTask.FromResult((default(TKey)!, true));
            }

            cancellationToken.ThrowIfCancellationRequested();
            var waiter = new Waiter();
            var node = _waiters.AddLast(waiter);
            waiter.Registration = cancellationToken.Register(() =>
            {
                lock (_gate)
                {
                    if (node.List is not null)
                    {
                        _waiters.Remove(node);
                        waiter.Completion.TrySetCanceled(cancellationToken);
                    }
                }
            });
            return new ValueTask<(TKey, bool)>(waiter.Completion.Task);
        }
    }

    public void Done(TKey key)
    {
        lock (_gate)
        {
            _processing.Remove(key);
            if (_dirty.Contains(key))
            {
                // Added while it was processed: its latest change still needs processing, even when shutting down.
                HandOutOrEnqueueLocked(key);
            }

            CheckDrainedLocked();
        }
    }

    public void ShutDown()
    {
        lock (_gate)
        {
            ShutDownLocked();
        }
    }

    public Task ShutDownWithDrainAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ShutDownLocked();
            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            CheckDrainedLocked();
            return _drained.Task.WaitAsync(cancellationToken);
        }
    }

    public void Dispose()
    {
        ShutDown();
        _timer.Dispose();
    }

    private void AddLocked(TKey key)
    {
        if (_shuttingDown || !_dirty.Add(key))
        {
            return;
        }

        if (!_processing.Contains(key))
        {
            HandOutOrEnqueueLocked(key);
        }
    }

    /// <summary>Gives a dirty key to a waiting worker, or queues it.</summary>
    private void HandOutOrEnqueueLocked(TKey key)
    {
        while (_waiters.First is { } node)
        {
            _waiters.Remove(node);
            node.Value.Registration.Unregister();
            if (node.Value.Completion.TrySetResult((key, false)))
            {
                _dirty.Remove(key);
                _processing.Add(key);
                return;
            }
        }

        _queue.Enqueue(key);
    }

    private void OnTimer()
    {
        lock (_gate)
        {
            _timerDue = long.MaxValue;
            var now = _timeProvider.GetTimestamp();
            while (_delayed.TryPeek(out var key, out var due) && due <= now)
            {
                _delayed.Dequeue();
                if (_delayedDue.TryGetValue(key, out var current) && current == due)
                {
                    _delayedDue.Remove(key);
                    AddLocked(key);
                }
            }

            ArmTimerLocked();
        }
    }

    private void ArmTimerLocked()
    {
        while (_delayed.TryPeek(out var key, out var due) && (!_delayedDue.TryGetValue(key, out var current) || current != due))
        {
            _delayed.Dequeue();
        }

        if (_delayed.TryPeek(out _, out var next) && next < _timerDue)
        {
            _timerDue = next;
            var delay = TimeSpan.FromSeconds((double)(next - _timeProvider.GetTimestamp()) / _timeProvider.TimestampFrequency);
            _timer.Change(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, Timeout.InfiniteTimeSpan);
        }
    }

    private void ShutDownLocked()
    {
        if (_shuttingDown)
        {
            return;
        }

        _shuttingDown = true;
        _delayed.Clear();
        _delayedDue.Clear();
        _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        while (_waiters.First is { } node)
        {
            _waiters.Remove(node);
            node.Value.Registration.Unregister();
            node.Value.Completion.TrySetResult((default!, true));
        }
    }

    private void CheckDrainedLocked()
    {
        if (_drained is not null && _processing.Count == 0 && _queue.Count == 0)
        {
            _drained.TrySetResult();
        }
    }

    private sealed class Waiter
    {
        public TaskCompletionSource<(TKey, bool)> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }
    }
}
