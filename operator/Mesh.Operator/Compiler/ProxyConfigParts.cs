using Mesh.Operator.Delta;

namespace Mesh.Operator.Compiler;

/// <summary>
/// The encoded parts of a ProxyConfig that proxies share: the virtual hosts (one set per outbound variant, each
/// host's encoding shared by every proxy that sees it) and the clusters (one encoding per compile, or per egress
/// scope), as sets of versioned resources that deltas are computed from.
/// </summary>
internal sealed record ProxyConfigParts(VirtualHostSet Hosts, byte[] ClusterFields, ClusterSet Clusters);
