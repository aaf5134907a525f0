using k8s;
using k8s.Models;
using Mesh.Kubernetes;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Compiler;

/// <summary>A Pod or WorkloadEntry, reduced to what routing and policy need.</summary>
internal sealed record Workload(
    string Kind,
    string Namespace,
    string Name,
    IReadOnlyDictionary<string, string> Labels,
    string ServiceAccount,
    string? Address,
    bool InMesh,
    int Weight,
    V1Pod? Pod,
    IReadOnlyDictionary<string, int>? EntryPorts = null,
    string? EntryLocality = null)
{
    /// <summary>Pods that carry this annotation had the sidecar injected; workloads with this label run one too.</summary>
    public const string InjectedAnnotation = "mesh.io/status";

    public const string TlsModeLabel = "mesh.io/tls-mode";

    private static readonly Dictionary<string, string> NoLabels = [];

    public string Id => $"{Namespace}/{Name}";

    /// <summary>"region/zone/subzone": a WorkloadEntry's <c>locality</c>, else from the topology labels (see <see cref="WorkloadLocality"/>).</summary>
    public string Locality => string.IsNullOrEmpty(EntryLocality) ? WorkloadLocality.FromLabels(Labels) : EntryLocality;

    public static Workload FromPod(V1Pod pod)
    {
        var labels = pod.Metadata.Labels.AsReadOnly();
        var injected = pod.Metadata.Annotations?.ContainsKey(InjectedAnnotation) == true ||
            labels.GetValueOrDefault(TlsModeLabel) == "mesh";
        var terminal = pod.Status?.Phase is "Succeeded" or "Failed" || pod.Metadata.DeletionTimestamp is not null;
        return new Workload(
            nameof(Pod),
            pod.Metadata.NamespaceProperty ?? "",
            pod.Metadata.Name ?? "",
            labels,
            string.IsNullOrEmpty(pod.Spec.ServiceAccountName) ? "default" : pod.Spec.ServiceAccountName,
            terminal || string.IsNullOrEmpty(pod.Status?.PodIP) ? null : pod.Status.PodIP,
            injected,
            0,
            pod);
    }

    public static Workload FromEntry(WorkloadEntry entry)
    {
        var labels = entry.Spec.Labels ?? NoLabels;
        return new Workload(
            nameof(WorkloadEntry),
            entry.Metadata.NamespaceProperty ?? "",
            entry.Metadata.Name ?? "",
            labels,
            string.IsNullOrEmpty(entry.Spec.ServiceAccount) ? "default" : entry.Spec.ServiceAccount,
            entry.Spec.Address,
            labels.GetValueOrDefault(TlsModeLabel) == "mesh",
            entry.Spec.Weight ?? 0,
            null,
            entry.Spec.Ports,
            entry.Spec.Locality);
    }

    public string Identity(string trustDomain) => $"{trustDomain}/ns/{Namespace}/sa/{ServiceAccount}";
}
