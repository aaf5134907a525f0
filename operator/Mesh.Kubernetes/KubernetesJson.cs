using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Mesh.Kubernetes;

/// <summary>
/// The JSON conventions of the Kubernetes API (camelCase names, absent rather than null fields, RFC 3339 times) for
/// the mesh's own resources and KubernetesClient's <c>V1*</c> models alike.
/// </summary>
public static class KubernetesJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            PropertyNameCaseInsensitive = false,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { ReadRequiredLeniently } },
        };
        // metav1.Time and MicroTime are RFC 3339 in UTC ("2008-01-01T01:01:01Z"), not .NET's "+00:00" form: the
        // library's converters, so that its V1* models read and write here as they do through its own client.
        options.Converters.Add(new k8s.KubernetesJson.KubernetesDateTimeConverter());
        options.Converters.Add(new k8s.KubernetesJson.KubernetesDateTimeOffsetConverter());
        options.MakeReadOnly();
        return options;
    }

    /// <summary>
    /// The library marks the OpenAPI's required fields C# <c>required</c>, which System.Text.Json enforces on reading.
    /// Go's decoder does not, and neither do we: a manifest or a watched object missing one is read, and the
    /// validators report what the mesh cannot use with its field path, instead of one JSON error for the document.
    /// </summary>
    private static void ReadRequiredLeniently(JsonTypeInfo typeInfo)
    {
        foreach (var property in typeInfo.Properties)
        {
            property.IsRequired = false;
        }
    }
}
