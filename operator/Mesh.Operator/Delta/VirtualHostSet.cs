using System.Runtime.CompilerServices;
using Mesh.Operator.Compiler;

namespace Mesh.Operator.Delta;

/// <summary>
/// The virtual hosts of a proxy's config, one instance shared by every proxy with the same outbound part, so the diff
/// between two of them is computed once for all those proxies (and cached weakly: it never keeps an old set alive).
/// </summary>
internal sealed class VirtualHostSet
{
    private readonly ConditionalWeakTable<VirtualHostSet, SetDiff> _diffs = [];

    public VirtualHostSet(IReadOnlyList<HashedVirtualHost> hosts)
    {
        Hosts = hosts;
        Sorted = Names.AreSorted(hosts, static h => h.Host.Name);
        Length = hosts.Sum(h => (long)h.Field.Length);
    }

    public IReadOnlyList<HashedVirtualHost> Hosts { get; }

    /// <summary>Names strictly ascending (ordinal), which a delta needs.</summary>
    public bool Sorted { get; }

    /// <summary>The length of all the hosts' encodings.</summary>
    public long Length { get; }

    public SetDiff DiffFrom(VirtualHostSet previous) =>
        ReferenceEquals(previous, this) ? SetDiff.None : _diffs.GetValue(previous, p => Compute(p.Hosts, Hosts));

    private static SetDiff Compute(IReadOnlyList<HashedVirtualHost> from, IReadOnlyList<HashedVirtualHost> to)
    {
        var changed = new List<ReadOnlyMemory<byte>>();
        var removed = new List<string>();
        Names.Walk(from, to, static h => h.Host.Name, removed, (before, after) =>
        {
            if (before is null || !ResourceVersion.Same(before.Hash, after.Hash))
            {
                changed.Add(after.Field);
            }
        });
        return new SetDiff([.. changed], [.. removed], []);
    }
}
