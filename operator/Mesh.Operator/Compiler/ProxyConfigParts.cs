namespace Mesh.Operator.Compiler;

/// <summary>
/// The encoded parts of a ProxyConfig that proxies share: each virtual host's field (one per host variant, shared by
/// every proxy that sees that variant) and the clusters' fields (one per compile).
/// </summary>
internal sealed record ProxyConfigParts(byte[][] HostFields, long HostFieldsLength, byte[] ClusterFields);
