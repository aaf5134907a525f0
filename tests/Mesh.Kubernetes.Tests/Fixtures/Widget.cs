using k8s;
using k8s.Models;

namespace Mesh.Kubernetes.Tests.Fixtures;

/// <summary>A custom resource with spec and status, to exercise the status subresource.</summary>
[KubernetesEntity(Group = "test.mesh.io", ApiVersion = "v1", Kind = "Widget", PluralName = "widgets")]
internal sealed class Widget : IKubernetesObject<V1ObjectMeta>
{
    public static ResourceType Type { get; } = new("test.mesh.io", "v1", "widgets", "Widget", Namespaced: true);

    public string? ApiVersion { get; set; } = "test.mesh.io/v1";

    public string? Kind { get; set; } = "Widget";

    public V1ObjectMeta Metadata { get; set; } = new();

    public WidgetSpec? Spec { get; set; }

    public WidgetStatus? Status { get; set; }

    public static Widget Create(string ns, string name, string color, Dictionary<string, string>? labels = null)
        => new() { Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name, Labels = labels }, Spec = new WidgetSpec { Color = color } };
}

internal sealed class WidgetSpec
{
    public string? Color { get; set; }

    public int? Size { get; set; }
}

internal sealed class WidgetStatus
{
    public List<V1Condition>? Conditions { get; set; }

    public string? Phase { get; set; }
}
