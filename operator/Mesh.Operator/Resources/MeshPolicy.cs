using k8s.Models;
namespace Mesh.Operator.Resources;

/// <summary>
/// Peer authentication, authorization and rate limits for the workloads it selects: the whole namespace without a
/// selector, the whole mesh when it lives in the root namespace without a selector.
/// </summary>
[KubernetesEntity(Group = MeshApiGroup.Group, ApiVersion = MeshApiGroup.Version, Kind = nameof(MeshPolicy), PluralName = "meshpolicies")]
public sealed class MeshPolicy : MeshResource<MeshPolicySpec>
{
    public MeshPolicy()
    {
        Kind = nameof(MeshPolicy);
    }
}

public sealed class MeshPolicySpec
{
    public WorkloadSelector? Selector { get; set; }

    public MtlsSettings? Mtls { get; set; }

    /// <summary>Per-port overrides of <see cref="Mtls"/>, keyed by port number.</summary>
    public Dictionary<string, MtlsSettings>? PortLevelMtls { get; set; }

    /// <summary>ALLOW or DENY; with neither action nor rules the policy does not authorize at all.</summary>
    public string? Action { get; set; }

    public List<AuthorizationRuleSpec>? Rules { get; set; }

    public RateLimitSpec? RateLimit { get; set; }

    /// <summary>
    /// Istio Sidecar's egress scoping: which services the selected workloads' proxies get config for. Absent: the
    /// whole mesh.
    /// </summary>
    public EgressSpec? Egress { get; set; }
}

public sealed class EgressSpec
{
    /// <summary><c>NAMESPACE/HOST</c> entries: <c>./*</c>, <c>ns/*</c>, <c>*/reviews.default.svc.cluster.local</c>, <c>*/*.example.com</c>.</summary>
    public List<string>? Hosts { get; set; }
}

public sealed class WorkloadSelector
{
    public Dictionary<string, string>? MatchLabels { get; set; }
}

public sealed class MtlsSettings
{
    /// <summary>STRICT, PERMISSIVE, DISABLE or UNSET (inherit).</summary>
    public string? Mode { get; set; }
}

public sealed class AuthorizationRuleSpec
{
    public List<AuthorizationSourceSpec>? From { get; set; }

    public List<AuthorizationOperationSpec>? To { get; set; }
}

public sealed class AuthorizationSourceSpec
{
    public List<string>? Principals { get; set; }

    public List<string>? NotPrincipals { get; set; }

    public List<string>? Namespaces { get; set; }

    public List<string>? NotNamespaces { get; set; }
}

public sealed class AuthorizationOperationSpec
{
    public List<string>? Paths { get; set; }

    public List<string>? NotPaths { get; set; }

    public List<string>? Methods { get; set; }

    public List<string>? NotMethods { get; set; }

    public List<int>? Ports { get; set; }
}

public sealed class RateLimitSpec
{
    public double? RequestsPerSecond { get; set; }

    public int? Burst { get; set; }
}
