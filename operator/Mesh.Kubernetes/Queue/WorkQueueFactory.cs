namespace Mesh.Kubernetes.Queue;

/// <summary>Creates work queues; dispose one (or shut it down) to stop its timer.</summary>
public static class WorkQueueFactory
{
    public static IWorkQueue<TKey> Create<TKey>(WorkQueueOptions? options = null, TimeProvider? timeProvider = null)
        where TKey : notnull
        => new WorkQueue<TKey>(options ?? new WorkQueueOptions(), timeProvider ?? TimeProvider.System);
}
