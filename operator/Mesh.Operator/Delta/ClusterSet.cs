using System.Runtime.CompilerServices;

namespace Mesh.Operator.Delta;

/// <summary>
/// The clusters of a proxy's config, one instance per compile (per egress scope when scoped) shared by every proxy
/// that carries them, so the diff from an earlier set is computed once (and cached weakly, keyed by that set's digest).
/// </summary>
internal sealed class ClusterSet
{
    private readonly ConditionalWeakTable<SetDigest, SetDiff> _diffs = [];

    public ClusterSet(IReadOnlyList<ClusterResource> clusters)
        : this(clusters, NameList.Of(clusters, static c => c.Name))
    {
    }

    /// <param name="names">The clusters' names in order: one list shared by every set of the same clusters, so diffs
    /// between those sets compare versions only.</param>
    public ClusterSet(IReadOnlyList<ClusterResource> clusters, NameList names)
    {
        Clusters = clusters;

        // One pass over the 4,000 clusters of a compile: each cluster's versions are taken together.
        var versions = new byte[clusters.Count][];
        var endpointVersions = new byte[clusters.Count][];
        long length = 0;
        for (var i = 0; i < versions.Length; i++)
        {
            var cluster = clusters[i];
            versions[i] = cluster.ShapeVersion;
            endpointVersions[i] = cluster.EndpointsVersion;
            length += cluster.Field.Length;
        }

        Length = length;
        Digest = new SetDigest(names, versions, endpointVersions);
    }

    public IReadOnlyList<ClusterResource> Clusters { get; }

    public long Length { get; }

    public SetDigest Digest { get; }

    public SetDiff DiffFrom(SetDigest previous) =>
        ReferenceEquals(previous, Digest) ? SetDiff.None : _diffs.GetValue(previous, p => Compute(p, Clusters));

    private SetDiff Compute(SetDigest from, IReadOnlyList<ClusterResource> to)
    {
        var changed = new List<ReadOnlyMemory<byte>>();
        var endpoints = new List<ReadOnlyMemory<byte>>();
        var removed = new List<string>();
        Names.Walk(from, Digest.Names, removed, (before, index) =>
        {
            var after = to[index];
            if (before < 0 || !ResourceVersion.Same(from.Versions[before], after.ShapeVersion))
            {
                changed.Add(after.Field);
            }
            else if (!ResourceVersion.Same(from.EndpointVersions?[before], after.EndpointsVersion))
            {
                endpoints.Add(after.EndpointsField);
            }
        });
        return new SetDiff([.. changed], [.. removed], [.. endpoints]);
    }
}
