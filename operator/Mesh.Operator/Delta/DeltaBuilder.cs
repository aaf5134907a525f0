using Google.Protobuf;
using Mesh.Api.V1;

namespace Mesh.Operator.Delta;

/// <summary>
/// Compares two configs resource by resource (by name and version) and writes the delta between them by the rules in
/// discovery.proto. Copies references to the target's shared encodings; serializes only the small ConfigDelta.
/// </summary>
internal static class DeltaBuilder
{
    /// <returns>The delta, or null when the configs are not sorted by name, when the target drops the inbound
    /// config (a delta can only replace it), or when the whole config would be no larger.</returns>
    public static DeltaPayload? Build(ProxyResources from, ProxyResources to)
    {
        if (!from.Sorted || !to.Sorted || (from.HasInbound && !to.HasInbound))
        {
            return null;
        }

        var segments = new List<ReadOnlyMemory<byte>>();
        var delta = new ConfigDelta { BaseVersion = from.Version };
        var changed = Diff(from.VirtualHosts, to.VirtualHosts, static v => v.Name, delta.RemovedVirtualHosts, (before, after) =>
        {
            if (before is null || !ResourceVersion.Same(before.Version, after.Version))
            {
                segments.Add(after.Field);
                return 1;
            }

            return 0;
        });

        var endpointFields = new List<ReadOnlyMemory<byte>>();
        changed += Diff(from.Clusters, to.Clusters, static c => c.Name, delta.RemovedClusters, (before, after) =>
        {
            if (before is null || !ResourceVersion.Same(before.ShapeVersion, after.ShapeVersion))
            {
                segments.Add(after.Field);
                return 1;
            }

            if (!ResourceVersion.Same(before.EndpointsVersion, after.EndpointsVersion))
            {
                endpointFields.Add(after.EndpointsField);
                return 1;
            }

            return 0;
        });

        if (to.HasInbound && !ResourceVersion.Same(from.InboundVersion, to.InboundVersion))
        {
            segments.Add(to.InboundField);
            changed++;
        }

        segments.Add(to.ScalarFields);
        var deltaField = Encode(delta, endpointFields);
        var payload = new DeltaPayload([.. segments], deltaField, changed, delta.RemovedVirtualHosts.Count + delta.RemovedClusters.Count);
        var whole = to.VirtualHosts.Sum(v => v.Field.Length) + to.Clusters.Sum(c => c.Field.Length) + to.InboundField.Length + to.ScalarFields.Length;
        return payload.Length + deltaField.Length < whole ? payload : null;
    }

    // A merge walk over two name-sorted lists: names only in `from` are removed, the rest go to `visit` with what
    // `from` had under that name (or null). Returns how many resources `visit` counted as changed.
    private static int Diff<T>(IReadOnlyList<T> from, IReadOnlyList<T> to, Func<T, string> nameOf, ICollection<string> removed, Func<T?, T, int> visit)
        where T : class
    {
        var changed = 0;
        int i = 0, j = 0;
        while (i < from.Count || j < to.Count)
        {
            var order = i == from.Count ? 1 : j == to.Count ? -1 : string.CompareOrdinal(nameOf(from[i]), nameOf(to[j]));
            if (order < 0)
            {
                removed.Add(nameOf(from[i++]));
            }
            else if (order == 0)
            {
                changed += visit(from[i++], to[j++]);
            }
            else
            {
                changed += visit(null, to[j++]);
            }
        }

        return changed;
    }

    // ConfigResponse field 4: the ConfigDelta's own fields, then the shared ClusterEndpoints encodings appended as
    // its repeated field 4 (a repeated field's entries may follow the other fields on the wire).
    private static byte[] Encode(ConfigDelta delta, List<ReadOnlyMemory<byte>> endpointFields)
    {
        var head = delta.ToByteArray();
        var length = head.Length + endpointFields.Sum(f => f.Length);
        var tag = WireFormat.MakeTag(ConfigResponse.DeltaFieldNumber, WireFormat.WireType.LengthDelimited);
        var prefix = CodedOutputStream.ComputeRawVarint32Size(tag) + CodedOutputStream.ComputeLengthSize(length);
        var buffer = new byte[prefix + length];
        var output = new CodedOutputStream(buffer);
        output.WriteTag(tag);
        output.WriteLength(length);
        head.CopyTo(buffer, prefix);
        var offset = prefix + head.Length;
        foreach (var field in endpointFields)
        {
            field.Span.CopyTo(buffer.AsSpan(offset));
            offset += field.Length;
        }

        return buffer;
    }
}
