using Mesh.Operator.Delta;

namespace Mesh.Operator.Compiler;

/// <summary>
/// The encoded parts of a ProxyConfig that proxies share: each virtual host's field (one per host variant, shared by
/// every proxy that sees that variant) and the clusters' fields (one per compile), with the versioned resources they
/// are cut into for deltas.
/// </summary>
internal sealed record ProxyConfigParts(
    HashedVirtualHost[] Hosts,
    long HostFieldsLength,
    byte[] ClusterFields,
    ClusterResource[] Clusters);
