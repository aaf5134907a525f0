using Mesh.Api.V1;

namespace Mesh.Operator.ConfigServer;

/// <summary>One proxy's configuration as the stream sends it, with its version (a hash of its content).</summary>
public sealed record VersionedProxyConfig(string Version, ProxyConfig Config);
