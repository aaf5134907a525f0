namespace Mesh.Operator.Delta;

/// <summary>
/// What changed between two versions of a set of resources: the encodings of the added or changed ones (in name
/// order), the names removed, and (clusters only) the ClusterEndpoints encodings of endpoint-only changes.
/// </summary>
internal sealed record SetDiff(ReadOnlyMemory<byte>[] Changed, string[] Removed, ReadOnlyMemory<byte>[] Endpoints)
{
    public static readonly SetDiff None = new([], [], []);

    public int Count => Changed.Length + Endpoints.Length;
}
