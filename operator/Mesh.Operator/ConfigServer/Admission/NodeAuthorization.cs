using Mesh.Api.V1;
using Mesh.Operator.Identity;

namespace Mesh.Operator.ConfigServer.Admission;

/// <summary>
/// Whether an authenticated caller may stream the config of the node it names. The config a proxy gets follows from
/// its Node's namespace, service account and labels, so the namespace and service account must be the caller's own:
/// otherwise any workload could read any other's config (its routes, policies and peers) by naming it.
/// </summary>
internal static class NodeAuthorization
{
    /// <summary>
    /// The node to serve: <paramref name="node"/> with an empty namespace or service account filled in from the
    /// identity, or null with the field that names another workload.
    /// </summary>
    public static Node? Authorize(Node node, WorkloadIdentity identity, out string? refusal)
    {
        var authorized = node.Clone();
        if (authorized.Namespace.Length == 0)
        {
            authorized.Namespace = identity.Namespace;
        }

        if (authorized.ServiceAccount.Length == 0)
        {
            authorized.ServiceAccount = identity.ServiceAccount;
        }

        refusal = Problem(authorized, identity);
        return refusal is null ? authorized : null;
    }

    private static string? Problem(Node node, WorkloadIdentity identity)
    {
        if (!string.Equals(node.Namespace, identity.Namespace, StringComparison.Ordinal))
        {
            return $"node.namespace '{node.Namespace}' is not the namespace of the caller's identity {identity}";
        }

        if (!string.Equals(node.ServiceAccount, identity.ServiceAccount, StringComparison.Ordinal))
        {
            return $"node.service_account '{node.ServiceAccount}' is not the service account of the caller's identity {identity}";
        }

        // Node ids are NAMESPACE/POD (the injected MESH_NODE_ID): one naming another namespace is a forged id.
        var slash = node.Id.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0 && !node.Id.AsSpan(0, slash).SequenceEqual(identity.Namespace))
        {
            return $"node.id '{node.Id}' names namespace '{node.Id[..slash]}', not the caller's namespace '{identity.Namespace}'";
        }

        return null;
    }
}
