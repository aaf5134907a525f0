using Mesh.Api.V1;
using Mesh.Operator.Delta;

namespace Mesh.Operator.Compiler;

/// <summary>The outbound side of the proxies that see the same virtual host variants. Immutable.</summary>
internal sealed record OutboundPart(HashedVirtualHost[] Variants, VirtualHostSet Hosts, HostSetHash Hash, TcpListenerPart Listeners, ScopedClusterPart? Clusters);

/// <summary>The clusters of a scoped proxy, or of one that workload-selected rules apply to. Immutable.</summary>
internal sealed record ScopedClusterPart(Cluster[] Clusters, byte[] Field, ClusterSet Set, byte[] Hash);
