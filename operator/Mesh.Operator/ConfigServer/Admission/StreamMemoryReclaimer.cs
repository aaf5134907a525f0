using System.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.ConfigServer.Admission;

/// <summary>
/// Gives the memory of closed streams back to the system. The garbage of thousands of streams that ended at once (a
/// reconnect storm moving to another replica, a flood of idle streams cut off) is only collected when something
/// allocates again, and a quiet operator allocates little: its resident memory stayed at the peak. After
/// <see cref="ConfigServerOptions.ReclaimAfterClosedStreams"/> streams have closed, once the count has been steady for
/// one check interval, this runs one compacting collection that returns the freed heap to the OS.
/// </summary>
internal sealed partial class StreamMemoryReclaimer(
    StreamLimiter limiter,
    TimeProvider time,
    IOptions<ConfigServerOptions> options,
    ILogger<StreamMemoryReclaimer> logger) : BackgroundService
{
    private readonly int _threshold = options.Value.ReclaimAfterClosedStreams;
    private readonly TimeSpan _interval = options.Value.ReclaimCheckInterval;
    private int _peak;
    private int _previous;
    private DateTimeOffset _followUpUntil;

    /// <summary>How many times memory was reclaimed (for tests).</summary>
    public int Reclaims { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_threshold <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(_interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Check(limiter.Count);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One check with the number of streams open now.</summary>
    internal void Check(int open)
    {
        _peak = Math.Max(_peak, open);
        var steady = open == _previous;
        _previous = open;

        // A mass disconnect can pause part-way (streams end as their connections time out): the first reclaim may run
        // before the tail has gone, so for a minute after it any further closed streams get one more.
        var now = time.GetUtcNow();
        var needed = now < _followUpUntil ? 1 : _threshold;
        if (!steady || _peak - open < needed)
        {
            return;
        }

        _followUpUntil = needed == 1 ? default : now + TimeSpan.FromMinutes(1);

        var before = GC.GetTotalMemory(forceFullCollection: false);
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

        // A closed connection's sockets and buffers are finalizable: the first collection only queues them, and
        // everything they reference lives until their finalizers ran; the second one frees it.
        GC.WaitForPendingFinalizers();
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Reclaims++;
        var after = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        LogReclaimed(_peak - open, (before - after.HeapSizeBytes) / (1024 * 1024), after.HeapSizeBytes / (1024 * 1024), after.TotalCommittedBytes / (1024 * 1024));
        _peak = open;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Closed} config streams closed; returned their memory: {FreedMiB} MiB of heap freed, {HeapMiB} MiB in use, {CommittedMiB} MiB committed")]
    private partial void LogReclaimed(int closed, long freedMiB, long heapMiB, long committedMiB);
}
