using System.Text;

namespace Mesh.Kubernetes.Tests.Fixtures;

/// <summary>
/// The fake API server's route table entry: which REST collection an object lives in, <c>/api/v1/...</c> for the core group, <c>/apis/GROUP/VERSION/...</c>
/// otherwise, under <c>namespaces/NS/</c> when the kind is namespaced.
/// </summary>
public sealed record ResourceType(string Group, string Version, string Plural, string Kind, bool Namespaced)
{
    /// <summary><c>coordination.k8s.io/v1</c> Lease, the lock leader election takes.</summary>
    public static ResourceType Lease { get; } = new("coordination.k8s.io", "v1", "leases", "Lease", Namespaced: true);

    /// <summary>Core v1 Pod.</summary>
    public static ResourceType Pod { get; } = new("", "v1", "pods", "Pod", Namespaced: true);

    /// <summary>Core v1 Service.</summary>
    public static ResourceType Service { get; } = new("", "v1", "services", "Service", Namespaced: true);

    /// <summary>Core v1 Namespace (cluster-scoped).</summary>
    public static ResourceType Namespace { get; } = new("", "v1", "namespaces", "Namespace", Namespaced: false);

    /// <summary>Core v1 Secret.</summary>
    public static ResourceType Secret { get; } = new("", "v1", "secrets", "Secret", Namespaced: true);

    /// <summary><c>authentication.k8s.io/v1</c> TokenReview (cluster-scoped, create only).</summary>
    public static ResourceType TokenReview { get; } = new("authentication.k8s.io", "v1", "tokenreviews", "TokenReview", Namespaced: false);

    /// <summary><c>discovery.k8s.io/v1</c> EndpointSlice.</summary>
    public static ResourceType EndpointSlice { get; } = new("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", Namespaced: true);

    /// <summary>The <c>apiVersion</c> objects of this type carry: "v1" or "GROUP/VERSION".</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The collection path, across all namespaces when <paramref name="namespace"/> is null.</summary>
    public string CollectionPath(string? @namespace)
    {
        var path = new StringBuilder(Group.Length == 0 ? "/api/" : $"/apis/{Group}/").Append(Version);
        if (Namespaced && !string.IsNullOrEmpty(@namespace))
        {
            path.Append("/namespaces/").Append(Uri.EscapeDataString(@namespace));
        }
        else if (Namespaced && @namespace is not null)
        {
            throw new ArgumentException("A namespaced resource needs a non-empty namespace or null for all namespaces.", nameof(@namespace));
        }

        return path.Append('/').Append(Plural).ToString();
    }

    /// <summary>The path of one object, optionally of its subresource (such as "status").</summary>
    public string ObjectPath(string? @namespace, string name, string? subresource = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Namespaced && string.IsNullOrEmpty(@namespace))
        {
            throw new ArgumentException($"{Kind} is namespaced: a namespace is required.", nameof(@namespace));
        }

        var path = CollectionPath(Namespaced ? @namespace : null) + "/" + Uri.EscapeDataString(name);
        return subresource is null ? path : path + "/" + subresource;
    }
}
