namespace Mesh.Operator.Compiler;

/// <summary>
/// Kubernetes service host names. A short name (<c>reviews</c>) is relative to the namespace it is written in;
/// <c>reviews.default</c> and <c>reviews.default.svc</c> are completed to the fully qualified
/// <c>reviews.default.svc.cluster.local</c>. Any other name with a dot is taken as written (a host outside the mesh).
/// </summary>
public static class HostNames
{
    public const string ClusterDomain = "cluster.local";

    private const string ServiceSuffix = ".svc." + ClusterDomain;

    public static string Fqdn(string name, string ns) => $"{name}.{ns}{ServiceSuffix}";

    /// <summary>Completes <paramref name="host"/> as written in namespace <paramref name="ns"/>.</summary>
    public static string Resolve(string host, string ns)
    {
        host = host.ToLowerInvariant();
        if (host.EndsWith(ServiceSuffix, StringComparison.Ordinal))
        {
            return host;
        }

        if (host.EndsWith(".svc", StringComparison.Ordinal))
        {
            return host + "." + ClusterDomain;
        }

        var dots = host.AsSpan().Count('.');
        return dots switch
        {
            0 => Fqdn(host, ns),
            1 => host + ServiceSuffix,
            _ => host,
        };
    }

    /// <summary>
    /// True when a host is spelled as a cluster service (short, <c>name.namespace</c>, or under
    /// <c>.svc.cluster.local</c>), so that failing to find it is an error rather than a host outside the mesh.
    /// A two-label name such as <c>httpbin.org</c> is ambiguous and is taken as external unless such a service exists.
    /// </summary>
    public static bool IsClusterSpelling(string host)
    {
        host = host.ToLowerInvariant();
        return !host.Contains('.') || host.EndsWith(".svc", StringComparison.Ordinal) ||
            host.EndsWith(ServiceSuffix, StringComparison.Ordinal);
    }

    /// <summary>The cluster name of an upstream, Istio's convention: <c>outbound|PORT|SUBSET|HOST</c>.</summary>
    public static string ClusterName(int port, string? subset, string host) => $"outbound|{port}|{subset}|{host}";
}
