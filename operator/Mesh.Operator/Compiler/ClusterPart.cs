using Mesh.Api.V1;
using Mesh.Operator.Delta;

namespace Mesh.Operator.Compiler;

/// <summary>
/// The clusters every unscoped proxy carries, encoded once per compile as ProxyConfig field 2 and cut into
/// versioned resources. A cluster equal to the previous compile's of the same name takes over its encoding and
/// versions instead of being encoded and hashed again; when all are equal the previous part itself is kept, so the
/// configs of proxies a change leaves alone stay the same objects. Immutable.
/// </summary>
internal sealed class ClusterPart
{
    // The name list of the latest part, which the next one shares when the names are the same (see NameList). A race
    // between compiles only misses the share.
    private static NameList? _latestNames;

    private ClusterPart(IReadOnlyList<Cluster> clusters, byte[] field, ClusterResource[] resources, NameList names)
    {
        Clusters = clusters;
        Field = field;
        Resources = resources;
        Set = new ClusterSet(resources, names);

        // Over the resources' versions (hashed anyway for deltas) rather than the 1.3 MB encoding.
        var versions = new byte[resources.Length * 2][];
        Set.Digest.Versions.CopyTo(versions, 0);
        Set.Digest.EndpointVersions!.CopyTo(versions, resources.Length);
        Hash = ContentHash.Combine(versions);
    }

    public IReadOnlyList<Cluster> Clusters { get; }

    public byte[] Field { get; }

    public ClusterResource[] Resources { get; }

    public ClusterSet Set { get; }

    public byte[] Hash { get; }

    public static ClusterPart Build(IReadOnlyList<Cluster> clusters, ClusterPart? previous)
    {
        var names = _latestNames = NameList.Of(clusters, static c => c.Name).SameAs(previous?.Set.Digest.Names ?? _latestNames);
        if (previous is null || !ReferenceEquals(names, previous.Set.Digest.Names))
        {
            var field = FieldEncoding.EncodeAll(ProxyConfig.ClustersFieldNumber, clusters, out _);
            return new ClusterPart(clusters, field, ClusterResource.Split(clusters, field), names);
        }

        var fields = new ReadOnlyMemory<byte>[clusters.Count];
        var kept = new bool[clusters.Count];
        var same = true;
        var length = 0;
        for (var i = 0; i < fields.Length; i++)
        {
            // Comparing the messages is far cheaper than encoding and hashing them again.
            kept[i] = clusters[i].Equals(previous.Clusters[i]);
            same &= kept[i];
            fields[i] = kept[i] ? previous.Resources[i].Field : FieldEncoding.Encode(ProxyConfig.ClustersFieldNumber, clusters[i], out _);
            length += fields[i].Length;
        }

        if (same)
        {
            return previous;
        }

        // One buffer again (a whole config is written from it), so no older compile's buffer stays referenced.
        var buffer = new byte[length];
        var resources = new ClusterResource[fields.Length];
        var offset = 0;
        for (var i = 0; i < fields.Length; i++)
        {
            fields[i].Span.CopyTo(buffer.AsSpan(offset));
            var slice = buffer.AsMemory(offset, fields[i].Length);
            resources[i] = kept[i]
                ? previous.Resources[i].MovedTo(clusters[i], slice)
                : ClusterResource.Split([clusters[i]], slice)[0];
            offset += fields[i].Length;
        }

        return new ClusterPart(clusters, buffer, resources, names);
    }
}
