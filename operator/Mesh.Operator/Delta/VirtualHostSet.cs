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
    {
        Hosts = hosts;
        Length = hosts.Sum(h => (long)h.Field.Length);
        Digest = new SetDigest(
            [.. hosts.Select(h => h.Host.Name)],
            [.. hosts.Select(h => h.Hash)],
            endpointVersions: null,
            Names.AreSorted(hosts, static h => h.Host.Name));
    }

    public IReadOnlyList<HashedVirtualHost> Hosts { get; }

    /// <summary>The length of all the hosts' encodings.</summary>
    public long Length { get; }

    public SetDigest Digest { get; }

    public SetDiff DiffFrom(SetDigest previous) =>
        ReferenceEquals(previous, Digest) ? SetDiff.None : _diffs.GetValue(previous, p => Compute(p, Hosts));

    private static SetDiff Compute(SetDigest from, IReadOnlyList<HashedVirtualHost> to)
    {
        var changed = new List<ReadOnlyMemory<byte>>();
        var removed = new List<string>();
        Names.Walk(from, to, static h => h.Host.Name, removed, (before, after) =>
        {
            if (before < 0 || !ResourceVersion.Same(from.Versions[before], after.Hash))
            {
                changed.Add(after.Field);
            }
        });
        return new SetDiff([.. changed], [.. removed], []);
    }
}
