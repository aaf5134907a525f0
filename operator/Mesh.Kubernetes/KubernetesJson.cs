using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mesh.Kubernetes;

/// <summary>The JSON conventions of the Kubernetes API: camelCase names, absent rather than null fields.</summary>
public static class KubernetesJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            PropertyNameCaseInsensitive = false,
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
