using System.Runtime.CompilerServices;
using Mesh.Operator.Compiler;

namespace Mesh.Operator.Delta;

/// <summary>
/// The virtual hosts of a proxy's config, one instance shared by every proxy with the same outbound part, so the diff
/// from an earlier set is computed once for all those proxies (and cached weakly, keyed by that set's digest).
/// </summary>
internal sealed class VirtualHostSet
{
    private readonly ConditionalWeakTable<SetDigest, SetDiff> _diffs = [];

    public VirtualHostSet(IReadOnlyList<HashedVirtualHost> hosts)
        : this(hosts, NameList.Of(hosts, static h => h.Host.Name))
    {
    }

    /// <param name="names">The hosts' names in order: one list shared by every set of the same hosts, so diffs
    /// between those sets compare versions only.</param>
    public VirtualHostSet(IReadOnlyList<HashedVirtualHost> hosts, NameList names)
    {
        Hosts = hosts;
        var versions = new byte[hosts.Count][];
        long length = 0;
        for (var i = 0; i < versions.Length; i++)
        {
            versions[i] = hosts[i].Hash;
            length += hosts[i].Field.Length;
        }

        Length = length;
        Digest = new SetDigest(names, versions, endpointVersions: null);
    }

    public IReadOnlyList<HashedVirtualHost> Hosts { get; }

    /// <summary>The length of all the hosts' encodings.</summary>
    public long Length { get; }

    public SetDigest Digest { get; }

    public SetDiff DiffFrom(SetDigest previous) =>
        ReferenceEquals(previous, Digest) ? SetDiff.None : _diffs.GetValue(previous, p => Compute(p, Hosts));

    private SetDiff Compute(SetDigest from, IReadOnlyList<HashedVirtualHost> to)
    {
        var changed = new List<ReadOnlyMemory<byte>>();
        var removed = new List<string>();
        Names.Walk(from, Digest.Names, removed, (before, index) =>
        {
            if (before < 0 || !ResourceVersion.Same(from.Versions[before], to[index].Hash))
            {
                changed.Add(to[index].Field);
            }
        });
        return new SetDiff([.. changed], [.. removed], []);
    }
}
