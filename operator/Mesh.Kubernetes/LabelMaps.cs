namespace Mesh.Kubernetes;

/// <summary>
/// KubernetesClient types label, annotation and selector maps as <see cref="IDictionary{TKey, TValue}"/>; the mesh
/// reads them as <see cref="IReadOnlyDictionary{TKey, TValue}"/>. Read from JSON they are dictionaries already, so
/// the view costs nothing on the compiler's path.
/// </summary>
public static class LabelMaps
{
    /// <summary>The shared empty map.</summary>
    public static IReadOnlyDictionary<string, string> Empty { get; } = new Dictionary<string, string>();

    /// <summary>The same map as read-only, or <see cref="Empty"/> for null.</summary>
    public static IReadOnlyDictionary<string, string> AsReadOnly(this IDictionary<string, string>? map) => map switch
    {
        null => Empty,
        IReadOnlyDictionary<string, string> readOnly => readOnly,
        _ => new Dictionary<string, string>(map, StringComparer.Ordinal),
    };
}
