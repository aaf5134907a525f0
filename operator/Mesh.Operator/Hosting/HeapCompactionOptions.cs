namespace Mesh.Operator.Hosting;

/// <summary>When the operator compacts its heap once the work of a change has passed (<see cref="IdleHeapCompactor"/>).</summary>
public sealed class HeapCompactionOptions
{
    /// <summary>
    /// How much the garbage collector's committed memory must have grown since the last compaction for a quiet spell
    /// to trigger another. Default 12 MiB: one compile and push to 2,000 proxies leaves 12-40 MiB more committed
    /// (build/convergence/README.md; at 24 MiB the smaller changes, since an endpoint-only change takes over most of
    /// the previous compile, no longer triggered it and the operator ended 20 MiB higher), while the churn of an idle operator (streams open, traffic reports arriving) is
    /// collected in gen0 and does not grow it, so an idle operator does not compact. 0 turns compaction off.
    /// </summary>
    public long CommittedGrowthBytes { get; set; } = 12 * 1024 * 1024;

    /// <summary>
    /// The operator counts as quiet while it allocates less than this per <see cref="CheckInterval"/>. Default 2 MiB
    /// (8 MiB/s): far below a compile or a push to many proxies (20-50 MiB/s), above the allocation of thousands of
    /// open streams.
    /// </summary>
    public long QuietAllocatedBytes { get; set; } = 2 * 1024 * 1024;

    /// <summary>How often the allocation is checked. Default 250 ms, so that memory goes back soon after a push.</summary>
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}
