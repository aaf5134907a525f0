using Mesh.Operator.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.Tests.Hosting;

/// <summary>When the operator compacts its heap: only once quiet, and only after the committed memory grew.</summary>
public sealed class IdleHeapCompactorTests
{
    private const long MiB = 1024 * 1024;
    private const long Growth = 512 * MiB;

    [Fact]
    public void Compacts_once_the_operator_is_quiet_after_its_committed_memory_grew()
    {
        var compactor = Compactor();

        compactor.Check(allocated: 0, committed: 0);
        compactor.Check(allocated: 1 * MiB, committed: 2 * Growth);

        Assert.Equal(1, compactor.Compactions);
    }

    [Fact]
    public void Does_not_compact_while_the_operator_is_allocating()
    {
        var compactor = Compactor();

        compactor.Check(allocated: 0, committed: 0);
        compactor.Check(allocated: 100 * MiB, committed: 2 * Growth);
        compactor.Check(allocated: 200 * MiB, committed: 4 * Growth);

        Assert.Equal(0, compactor.Compactions);
    }

    [Fact]
    public void Does_not_compact_again_until_the_committed_memory_grows_past_what_the_last_compaction_left()
    {
        var compactor = Compactor();
        compactor.Check(allocated: 0, committed: 0);
        compactor.Check(allocated: 1 * MiB, committed: 10_000 * MiB);

        // What the compaction left is this test process's real heap; the other tests' collections move it by far
        // less than the margins here (half the threshold below it, twice above).
        var left = GC.GetGCMemoryInfo(GCKind.FullBlocking).TotalCommittedBytes;
        compactor.Check(allocated: 2 * MiB, committed: left + (Growth / 2));
        compactor.Check(allocated: 3 * MiB, committed: left + (Growth / 2));
        Assert.Equal(1, compactor.Compactions);

        compactor.Check(allocated: 4 * MiB, committed: left + (Growth * 2));
        Assert.Equal(2, compactor.Compactions);
    }

    private static IdleHeapCompactor Compactor() => new(
        TimeProvider.System,
        Options.Create(new HeapCompactionOptions { CommittedGrowthBytes = Growth, QuietAllocatedBytes = 2 * MiB }),
        NullLogger<IdleHeapCompactor>.Instance);
}
