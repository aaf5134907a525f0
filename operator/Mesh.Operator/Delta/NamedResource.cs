namespace Mesh.Operator.Delta;

/// <summary>
/// One named resource of a proxy's config (a virtual host), encoded as its ProxyConfig field, with its version.
/// The encoding is shared with every other proxy whose config holds the same resource.
/// </summary>
internal sealed record NamedResource(string Name, ReadOnlyMemory<byte> Field, byte[] Version);
