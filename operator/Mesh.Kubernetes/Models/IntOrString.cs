using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mesh.Kubernetes.Models;

/// <summary>
/// Kubernetes' <c>intstr.IntOrString</c>: a field such as a Service's <c>targetPort</c> that holds either a number
/// or a name, serialized as a bare JSON number or string.
/// </summary>
[JsonConverter(typeof(IntOrStringJsonConverter))]
public readonly record struct IntOrString
{
    public IntOrString(int value)
    {
        IntValue = value;
    }

    public IntOrString(string value)
    {
        StringValue = value;
    }

    public int? IntValue { get; }

    public string? StringValue { get; }

    public bool IsInt => StringValue is null;

    public override string ToString() => StringValue ?? IntValue?.ToString(CultureInfo.InvariantCulture) ?? "";
}

internal sealed class IntOrStringJsonConverter : JsonConverter<IntOrString>
{
    public override IntOrString Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType switch
        {
            JsonTokenType.Number => new IntOrString(reader.GetInt32()),
            JsonTokenType.String => new IntOrString(reader.GetString()!),
            _ => throw new JsonException("expected a number or a string"),
        };

    public override void Write(Utf8JsonWriter writer, IntOrString value, JsonSerializerOptions options)
    {
        if (value.StringValue is { } name)
        {
            writer.WriteStringValue(name);
        }
        else
        {
            writer.WriteNumberValue(value.IntValue ?? 0);
        }
    }
}
