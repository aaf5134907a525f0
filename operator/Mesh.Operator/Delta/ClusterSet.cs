using System.Runtime.CompilerServices;

namespace Mesh.Operator.Delta;

/// <summary>
/// The clusters of a proxy's config, one instance per compile (per egress scope when scoped) shared by every proxy
/// that carries them, so the diff between two of them is computed once (and cached weakly).
/// </summary>
internal sealed class ClusterSet
{
    private readonly ConditionalWeakTable<ClusterSet, SetDiff> _diffs = [];

    public ClusterSet(IReadOnlyList<ClusterResource> clusters)
    {
        Clusters = clusters;
        Sorted = Names.AreSorted(clusters, static c => c.Name);
        Length = clusters.Sum(c => (long)c.Field.Length);
    }

    public IReadOnlyList<ClusterResource> Clusters { get; }

    public bool Sorted { get; }

    public long Length { get; }

    public SetDiff DiffFrom(ClusterSet previous) =>
        ReferenceEquals(previous, this) ? SetDiff.None : _diffs.GetValue(previous, p => Compute(p.Clusters, Clusters));

    private static SetDiff Compute(IReadOnlyList<ClusterResource> from, IReadOnlyList<ClusterResource> to)
    {
        var changed = new List<ReadOnlyMemory<byte>>();
        var endpoints = new List<ReadOnlyMemory<byte>>();
        var removed = new List<string>();
        Names.Walk(from, to, static c => c.Name, removed, (before, after) =>
        {
            if (before is null || !ResourceVersion.Same(before.ShapeVersion, after.ShapeVersion))
            {
                changed.Add(after.Field);
            }
            else if (!ResourceVersion.Same(before.EndpointsVersion, after.EndpointsVersion))
            {
                endpoints.Add(after.EndpointsField);
            }
        });
        return new SetDiff([.. changed], [.. removed], [.. endpoints]);
    }
}
