namespace Mesh.Kubernetes.Queue;

/// <summary>
/// client-go's rate-limited work queue. A key waits at most once (adding a pending key again is a no-op); a key
/// is handed to one worker at a time; a key added while a worker processes it is handed out again after
/// <see cref="Done"/>, so no change is lost. Retries back off per key and all adds share a token bucket.
/// </summary>
/// <example>
/// <code>
/// while (true)
/// {
///     var (key, shutDown) = await queue.GetAsync(ct);
///     if (shutDown) break;
///     try { await ReconcileAsync(key, ct); queue.Forget(key); }
///     catch (Exception) { queue.AddRateLimited(key); }
///     finally { queue.Done(key); }
/// }
/// </code>
/// </example>
public interface IWorkQueue<TKey> : IDisposable
    where TKey : notnull
{
    /// <summary>Keys waiting to be handed out (not those being processed or delayed).</summary>
    int Count { get; }

    bool IsShuttingDown { get; }

    /// <summary>Queues a key now; ignored after <see cref="ShutDown"/>.</summary>
    void Add(TKey key);

    /// <summary>Queues a key after a delay; a key already delayed keeps the earlier of the two times.</summary>
    void AddAfter(TKey key, TimeSpan delay);

    /// <summary>Queues a key after its backoff (5 ms doubling per requeue, up to 1000 s) or the token bucket's wait, whichever is longer.</summary>
    void AddRateLimited(TKey key);

    /// <summary>Clears the key's backoff: call it when the key was processed successfully.</summary>
    void Forget(TKey key);

    /// <summary>How many times the key has been rate-limited since it was last forgotten.</summary>
    int NumRequeues(TKey key);

    /// <summary>The next key, marked as being processed; <c>ShutDown</c> is true once shut down and empty.</summary>
    ValueTask<(TKey Key, bool ShutDown)> GetAsync(CancellationToken cancellationToken);

    /// <summary>Ends the processing of a key taken with <see cref="GetAsync"/>; re-queues it if it was added meanwhile.</summary>
    void Done(TKey key);

    /// <summary>Stops accepting keys; workers get the keys still queued, then <c>ShutDown</c> = true.</summary>
    void ShutDown();

    /// <summary><see cref="ShutDown"/>, then waits until every queued and in-flight key is done.</summary>
    Task ShutDownWithDrainAsync(CancellationToken cancellationToken);
}
