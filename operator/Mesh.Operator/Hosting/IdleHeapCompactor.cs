using System.Runtime;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.Hosting;

/// <summary>
/// Gives the memory a change used back to the system once the change has passed. What a compile and a push to
/// thousands of proxies allocate lives long enough to reach gen2 (a compile stays live until the next one replaces
/// it); the workstation GC's background collections sweep gen2 without compacting it, so its free space stayed
/// committed: tens of MiB of resident memory per change at 2,000 proxies (build/convergence/README.md). When the GC's
/// committed memory has grown by <see cref="HeapCompactionOptions.CommittedGrowthBytes"/> since the last compaction
/// and the operator is quiet again, this runs one blocking compacting collection, which a quiet process can afford.
/// </summary>
internal sealed partial class IdleHeapCompactor(
    TimeProvider time,
    IOptions<HeapCompactionOptions> options,
    ILogger<IdleHeapCompactor> logger) : BackgroundService
{
    private readonly HeapCompactionOptions _options = options.Value;
    private long _allocatedAtLastCheck = -1;
    private long _committedAfterCompaction;

    /// <summary>How many times the heap was compacted (for tests).</summary>
    public int Compactions { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.CommittedGrowthBytes <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.CheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Check(GC.GetTotalAllocatedBytes(), GC.GetGCMemoryInfo().TotalCommittedBytes);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// One check with the bytes allocated since the process started and the bytes the GC had committed at its last
    /// collection; compacts when the operator is quiet and the committed memory has grown enough.
    /// </summary>
    internal void Check(long allocated, long committed)
    {
        var quiet = _allocatedAtLastCheck >= 0 && allocated - _allocatedAtLastCheck < _options.QuietAllocatedBytes;
        _allocatedAtLastCheck = allocated;
        if (!quiet || committed - _committedAfterCompaction < _options.CommittedGrowthBytes)
        {
            return;
        }

        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Compactions++;
        var after = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        _committedAfterCompaction = after.TotalCommittedBytes;
        LogCompacted(committed / (1024 * 1024), after.TotalCommittedBytes / (1024 * 1024), after.HeapSizeBytes / (1024 * 1024), after.PauseDurations[0].TotalMilliseconds);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Heap compacted after a busy spell: committed {BeforeMiB} -> {AfterMiB} MiB, {HeapMiB} MiB in use; paused {PauseMs:F0} ms")]
    private partial void LogCompacted(long beforeMiB, long afterMiB, long heapMiB, double pauseMs);
}
