using System.Text.RegularExpressions;

namespace Mesh.Operator.Identity;

/// <summary>
/// Who a proxy is: the namespace and service account of its workload. Both are Kubernetes names, checked here
/// because they end up inside a URI (<c>spiffe://TRUST_DOMAIN/ns/NS/sa/SA</c>).
/// </summary>
internal sealed partial record WorkloadIdentity
{
    private WorkloadIdentity(string @namespace, string serviceAccount)
    {
        Namespace = @namespace;
        ServiceAccount = serviceAccount;
    }

    public string Namespace { get; }

    public string ServiceAccount { get; }

    /// <summary>The identity, or null with the reason when a name is not a valid Kubernetes name.</summary>
    public static WorkloadIdentity? TryCreate(string? @namespace, string? serviceAccount, out string? error)
    {
        error = @namespace is { Length: > 0 and <= 63 } && Label().IsMatch(@namespace)
            ? serviceAccount is { Length: > 0 and <= 253 } && Subdomain().IsMatch(serviceAccount)
                ? null
                : $"'{serviceAccount}' is not a valid service account name"
            : $"'{@namespace}' is not a valid namespace name";
        return error is null ? new WorkloadIdentity(@namespace!, serviceAccount!) : null;
    }

    /// <summary>
    /// The identity of a Kubernetes user name <c>system:serviceaccount:NS:SA</c>; null for any other user (a
    /// person or a node is not a workload).
    /// </summary>
    public static WorkloadIdentity? FromServiceAccountUser(string? username)
    {
        const string Prefix = "system:serviceaccount:";
        if (username is null || !username.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var parts = username[Prefix.Length..].Split(':');
        return parts.Length == 2 ? TryCreate(parts[0], parts[1], out _) : null;
    }

    /// <summary>The principal as MeshPolicy names it: <c>TRUST_DOMAIN/ns/NS/sa/SA</c>.</summary>
    public string Principal(string trustDomain) => $"{trustDomain}/ns/{Namespace}/sa/{ServiceAccount}";

    public Uri SpiffeId(string trustDomain) => new("spiffe://" + Principal(trustDomain));

    public override string ToString() => $"{Namespace}/{ServiceAccount}";

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Label();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex Subdomain();
}
