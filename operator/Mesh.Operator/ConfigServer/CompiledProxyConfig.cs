using Mesh.Api.V1;

namespace Mesh.Operator.ConfigServer;

/// <summary>One proxy's compiled configuration and its version (a hash of its content).</summary>
public sealed record CompiledProxyConfig(string Version, ProxyConfig Config);
