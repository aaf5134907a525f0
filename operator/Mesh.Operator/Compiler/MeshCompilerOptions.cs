using Mesh.Api.V1;

namespace Mesh.Operator.Compiler;

/// <summary>Mesh-wide settings of the compiler.</summary>
public sealed class MeshCompilerOptions
{
    /// <summary>The namespace whose selector-less MeshPolicies apply to the whole mesh. Default <c>mesh-system</c>.</summary>
    public string RootNamespace { get; init; } = "mesh-system";

    /// <summary>The SPIFFE trust domain of workload identities. Default <c>cluster.local</c>.</summary>
    public string TrustDomain { get; init; } = HostNames.ClusterDomain;

    /// <summary>What proxies do with destinations they have no virtual host for. Default <c>ALLOW_ANY</c>.</summary>
    public OutboundTrafficPolicy OutboundTrafficPolicy { get; init; } = OutboundTrafficPolicy.AllowAny;
}
