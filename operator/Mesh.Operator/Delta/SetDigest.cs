namespace Mesh.Operator.Delta;

/// <summary>
/// The names and versions of a set of resources (name order), without their messages or encodings: what a later diff
/// needs of a set a proxy was sent, so a connection can remember it without keeping that compile alive. One instance
/// per set, shared by every proxy that has the set, and the key its diffs are cached under.
/// </summary>
internal sealed class SetDigest(NameList names, byte[][] versions, byte[][]? endpointVersions)
{
    public NameList Names { get; } = names;

    public byte[][] Versions { get; } = versions;

    /// <summary>Clusters only: the versions of their endpoints, which can change on their own.</summary>
    public byte[][]? EndpointVersions { get; } = endpointVersions;

    /// <summary>Names strictly ascending (ordinal), which a delta needs.</summary>
    public bool Sorted => Names.Sorted;
}
