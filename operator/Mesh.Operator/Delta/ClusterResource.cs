using System.Security.Cryptography;
using Google.Protobuf;
using Mesh.Api.V1;
using Mesh.Operator.Compiler;

namespace Mesh.Operator.Delta;

/// <summary>
/// A cluster as two resources: the cluster without its endpoints (<see cref="ShapeVersion"/>) and its endpoints
/// (<see cref="EndpointsVersion"/>), so an endpoint-only change sends only the endpoints. <see cref="Field"/> is the
/// whole cluster encoded as ProxyConfig field 2, a slice of the encoding shared by every proxy of one compile.
/// </summary>
internal sealed class ClusterResource
{
    private readonly Cluster _cluster;
    private byte[]? _endpointsField;

    private ClusterResource(Cluster cluster, ReadOnlyMemory<byte> field, byte[] shapeVersion, byte[] endpointsVersion)
    {
        _cluster = cluster;
        Field = field;
        ShapeVersion = shapeVersion;
        EndpointsVersion = endpointsVersion;
    }

    public string Name => _cluster.Name;

    public ReadOnlyMemory<byte> Field { get; }

    public byte[] ShapeVersion { get; }

    public byte[] EndpointsVersion { get; }

    /// <summary>
    /// The endpoints as ConfigDelta field 4 (a ClusterEndpoints), encoded on first use: most clusters never have an
    /// endpoint-only change. A race encodes it twice, to the same bytes.
    /// </summary>
    public ReadOnlyMemory<byte> EndpointsField => _endpointsField ??= FieldEncoding.Encode(
        ConfigDelta.ClusterEndpointsFieldNumber,
        new ClusterEndpoints { Cluster = _cluster.Name, Endpoints = { _cluster.Endpoints } },
        out _);

    /// <summary>
    /// The clusters of <paramref name="encoded"/> (their ProxyConfig field 2 encodings one after the other, in the
    /// order of <paramref name="clusters"/>), each versioned from its own bytes.
    /// </summary>
    public static ClusterResource[] Split(IReadOnlyList<Cluster> clusters, ReadOnlyMemory<byte> encoded)
    {
        var resources = new ClusterResource[clusters.Count];
        var offset = 0;
        using var shape = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var endpoints = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (var i = 0; i < clusters.Count; i++)
        {
            var length = WireFields.Next(encoded.Span[offset..], out var field, out var start);
            if (field != ProxyConfig.ClustersFieldNumber)
            {
                throw new FormatException($"expected clusters (field 2) at offset {offset}, found field {field}");
            }

            var message = encoded.Span.Slice(offset + start, length - start);
            for (var inner = 0; inner < message.Length;)
            {
                var fieldLength = WireFields.Next(message[inner..], out var number, out _);
                (number == Cluster.EndpointsFieldNumber ? endpoints : shape).AppendData(message.Slice(inner, fieldLength));
                inner += fieldLength;
            }

            resources[i] = new ClusterResource(clusters[i], encoded.Slice(offset, length), shape.GetHashAndReset(), endpoints.GetHashAndReset());
            offset += length;
        }

        return resources;
    }

    /// <summary>One cluster, encoded on its own (for configs built as messages).</summary>
    public static ClusterResource Of(Cluster cluster) =>
        Split([cluster], FieldEncoding.Encode(ProxyConfig.ClustersFieldNumber, cluster, out _))[0];
}
