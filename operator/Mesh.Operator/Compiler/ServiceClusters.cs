using Mesh.Api.V1;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Compiler;

/// <summary>
/// The clusters of one service and what they were built from: the next compile takes them over when its Service and
/// DestinationRule are the same objects (the sources keep unchanged objects) and its endpoints are equal, instead of
/// building them again. Immutable.
/// </summary>
internal sealed class ServiceClusters(MeshService service, DestinationRule? rule, Cluster[] clusters)
{
    public Cluster[] Clusters { get; } = clusters;

    /// <summary>These clusters, or new ones when the inputs differ from these clusters'.</summary>
    public static ServiceClusters For(MeshService service, DestinationRule? rule, ServiceClusters? previous) =>
        previous is not null && previous.SameInputs(service, rule)
            ? new ServiceClusters(service, rule, previous.Clusters)
            : new ServiceClusters(service, rule, [.. ClusterBuilder.ForService(service, rule)]);

    private bool SameInputs(MeshService other, DestinationRule? otherRule)
    {
        if (!ReferenceEquals(service.Service, other.Service) || !ReferenceEquals(rule, otherRule) || service.Endpoints.Count != other.Endpoints.Count)
        {
            return false;
        }

        foreach (var (port, endpoints) in service.Endpoints)
        {
            if (!other.Endpoints.TryGetValue(port, out var others) || endpoints.Count != others.Count)
            {
                return false;
            }

            for (var i = 0; i < endpoints.Count; i++)
            {
                if (!Same(endpoints[i], others[i]))
                {
                    return false;
                }
            }
        }

        return true;
    }

    // The labels compared by content: each compile builds its own dictionaries.
    private static bool Same(ServiceEndpoint a, ServiceEndpoint b) =>
        a with { Labels = b.Labels } == b && LabelSelector.Same(a.Labels, b.Labels);
}
