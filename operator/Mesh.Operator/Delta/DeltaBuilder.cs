using Google.Protobuf;
using Mesh.Api.V1;

namespace Mesh.Operator.Delta;

/// <summary>
/// Writes the delta from a config a proxy was sent (its <see cref="DeltaBase"/>) to a new one by the rules in
/// discovery.proto, from the diffs of their shared virtual host and cluster sets (computed once per pair of sets, not
/// per proxy) and their own inbound config. Copies references
/// to the target's shared encodings; serializes only the small ConfigDelta.
/// </summary>
internal static class DeltaBuilder
{
    /// <returns>The delta, or null when the configs are not sorted by name, when the target drops the inbound
    /// config (a delta can only replace it), or when the whole config would be no larger.</returns>
    public static DeltaPayload? Build(DeltaBase from, ProxyResources to)
    {
        if (!from.VirtualHosts.Sorted || !to.VirtualHosts.Digest.Sorted || !from.Clusters.Sorted || !to.Clusters.Digest.Sorted || (from.HasInbound && !to.HasInbound))
        {
            return null;
        }

        var hosts = to.VirtualHosts.DiffFrom(from.VirtualHosts);
        var clusters = to.Clusters.DiffFrom(from.Clusters);
        var inboundChanged = to.HasInbound && !ResourceVersion.Same(from.InboundVersion, to.InboundVersion);
        var segments = new ReadOnlyMemory<byte>[hosts.Changed.Length + clusters.Changed.Length + (inboundChanged ? 2 : 1)];
        hosts.Changed.CopyTo(segments, 0);
        clusters.Changed.CopyTo(segments, hosts.Changed.Length);
        if (inboundChanged)
        {
            segments[^2] = to.InboundField;
        }

        segments[^1] = to.ScalarFields;
        var delta = new ConfigDelta { BaseVersion = from.Version, RemovedVirtualHosts = { hosts.Removed }, RemovedClusters = { clusters.Removed } };
        var deltaField = Encode(delta, clusters.Endpoints);
        var payload = new DeltaPayload(segments, deltaField, hosts.Count + clusters.Count + (inboundChanged ? 1 : 0), hosts.Removed.Length + clusters.Removed.Length);
        var whole = to.VirtualHosts.Length + to.Clusters.Length + to.InboundField.Length + to.ScalarFields.Length;
        return payload.Length + deltaField.Length < whole ? payload : null;
    }

    // ConfigResponse field 4: the ConfigDelta's own fields, then the shared ClusterEndpoints encodings appended as
    // its repeated field 4 (a repeated field's entries may follow the other fields on the wire).
    private static byte[] Encode(ConfigDelta delta, ReadOnlyMemory<byte>[] endpointFields)
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
