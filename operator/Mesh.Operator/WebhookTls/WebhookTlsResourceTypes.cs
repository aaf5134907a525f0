using Mesh.Kubernetes.Client;

namespace Mesh.Operator.WebhookTls;

/// <summary>
/// The API resources the self-managed mode touches, and the only verbs it uses on them (the chart's RBAC grants
/// exactly these): secrets get/create/patch in the operator's namespace; mutatingwebhookconfigurations get/patch.
/// </summary>
internal static class WebhookTlsResourceTypes
{
    public static ResourceType Secret { get; } = new("", "v1", "secrets", "Secret", Namespaced: true);

    public static ResourceType MutatingWebhookConfiguration { get; } =
        new("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", Namespaced: false);
}
