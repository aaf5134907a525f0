namespace Mesh.Operator.Delta;

/// <summary>
/// What the next delta to a proxy is computed from: the version and resource digests of the config it was last sent.
/// A connection keeps this instead of the config, so a compile is not kept alive by proxies it no longer serves.
/// </summary>
internal sealed record DeltaBase(string Version, SetDigest VirtualHosts, SetDigest Clusters, bool HasInbound, byte[] InboundVersion);
