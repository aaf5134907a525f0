using System.Buffers;
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
    // Most clusters' messages are a few hundred bytes: packing them for their versions needs no buffer from the pool.
    private const int StackPacked = 1024;

    private readonly Cluster _cluster;
    private byte[]? _endpointsField;
    private byte[]? _shapeVersion;
    private byte[]? _endpointsVersion;

    private ClusterResource(Cluster cluster, ReadOnlyMemory<byte> field)
    {
        _cluster = cluster;
        Field = field;
    }

    public string Name => _cluster.Name;

    public ReadOnlyMemory<byte> Field { get; }

    // The versions are taken on first use, both at once: a compile whose configs are only sent whole (analyze) never
    // needs them. A race hashes twice, to the same bytes.
    public byte[] ShapeVersion => _shapeVersion ?? TakeVersions().Shape;

    public byte[] EndpointsVersion => _endpointsVersion ?? TakeVersions().Endpoints;

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
    /// order of <paramref name="clusters"/>).
    /// </summary>
    public static ClusterResource[] Split(IReadOnlyList<Cluster> clusters, ReadOnlyMemory<byte> encoded)
    {
        var resources = new ClusterResource[clusters.Count];
        var offset = 0;
        for (var i = 0; i < clusters.Count; i++)
        {
            var length = WireFields.Next(encoded.Span[offset..], out var field, out _);
            if (field != ProxyConfig.ClustersFieldNumber)
            {
                throw new FormatException($"expected clusters (field 2) at offset {offset}, found field {field}");
            }

            resources[i] = new ClusterResource(clusters[i], encoded.Slice(offset, length));
            offset += length;
        }

        return resources;
    }

    /// <summary>This resource for an equal cluster at <paramref name="field"/> (the same bytes in another buffer),
    /// keeping the versions and endpoint encoding already taken.</summary>
    public ClusterResource MovedTo(Cluster cluster, ReadOnlyMemory<byte> field) => new(cluster, field)
    {
        _shapeVersion = _shapeVersion,
        _endpointsVersion = _endpointsVersion,
        _endpointsField = _endpointsField,
    };

    /// <summary>One cluster, encoded on its own (for configs built as messages).</summary>
    public static ClusterResource Of(Cluster cluster) =>
        Split([cluster], FieldEncoding.Encode(ProxyConfig.ClustersFieldNumber, cluster, out _))[0];

    // The version of the endpoints fields of the cluster message, and of all its other fields, each packed together
    // and hashed in one call. One walk over the fields for both, packed on the stack: 4,000 clusters a compile.
    private (byte[] Shape, byte[] Endpoints) TakeVersions()
    {
        WireFields.Next(Field.Span, out _, out var start);
        var message = Field.Span[start..];

        // Shape fields packed from the start of the buffer, endpoint fields from its middle.
        var rented = message.Length > StackPacked ? ArrayPool<byte>.Shared.Rent(2 * message.Length) : null;
        Span<byte> packed = rented ?? stackalloc byte[2 * StackPacked];
        var shapeLength = 0;
        var endpointsLength = 0;
        for (var inner = 0; inner < message.Length;)
        {
            var fieldLength = WireFields.Next(message[inner..], out var number, out _);
            if (number == Cluster.EndpointsFieldNumber)
            {
                message.Slice(inner, fieldLength).CopyTo(packed[(message.Length + endpointsLength)..]);
                endpointsLength += fieldLength;
            }
            else
            {
                message.Slice(inner, fieldLength).CopyTo(packed[shapeLength..]);
                shapeLength += fieldLength;
            }

            inner += fieldLength;
        }

        (byte[] Shape, byte[] Endpoints) versions = (ResourceVersion.Of(packed[..shapeLength]), ResourceVersion.Of(packed.Slice(message.Length, endpointsLength)));
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        _shapeVersion = versions.Shape;
        _endpointsVersion = versions.Endpoints;
        return versions;
    }
}
