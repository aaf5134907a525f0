using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mesh.Operator.Tests.Crds;

/// <summary>
/// Checks a document against an OpenAPI v3 schema the way the API server validates a custom resource (the
/// keywords the CRDs use: type, properties, additionalProperties, items, required, enum, pattern, minimum, maximum,
/// exclusiveMinimum, minLength, minItems, maxProperties). Fields the schema does not know count as violations,
/// since the API server would prune them; so does a null list item, while a null field counts as absent.
/// </summary>
internal static class SchemaValidator
{
    public static List<string> Violations(JsonObject schema, JsonNode? value, string path = "$")
    {
        var violations = new List<string>();
        Check(schema, value, path, violations);
        return violations;
    }

    private static void Check(JsonObject schema, JsonNode? value, string path, List<string> violations)
    {
        if (value is null)
        {
            return;
        }

        var type = schema["type"]?.GetValue<string>();
        var kind = value.GetValueKind();
        var typeOk = type switch
        {
            "object" => kind == JsonValueKind.Object,
            "array" => kind == JsonValueKind.Array,
            "string" => kind == JsonValueKind.String,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            "integer" => kind == JsonValueKind.Number && long.TryParse(value.ToJsonString(), CultureInfo.InvariantCulture, out _),
            "number" => kind == JsonValueKind.Number,
            _ => true,
        };
        if (!typeOk)
        {
            violations.Add($"{path}: expected {type}, got {kind}");
            return;
        }

        if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value)))
        {
            violations.Add($"{path}: {value.ToJsonString()} is not an allowed value");
        }

        if (kind == JsonValueKind.String)
        {
            var text = value.GetValue<string>();
            if (schema["pattern"]?.GetValue<string>() is { } pattern && !Regex.IsMatch(text, pattern))
            {
                violations.Add($"{path}: '{text}' does not match {pattern}");
            }

            if (Number(schema["minLength"]) is { } minLength && text.Length < minLength)
            {
                violations.Add($"{path}: shorter than {minLength}");
            }
        }

        if (kind == JsonValueKind.Number)
        {
            var number = Number(value)!.Value;
            var exclusive = schema["exclusiveMinimum"]?.GetValue<bool>() == true;
            if (Number(schema["minimum"]) is { } min && (number < min || (exclusive && number == min)))
            {
                violations.Add($"{path}: {number} is below the minimum {min}");
            }

            if (Number(schema["maximum"]) is { } max && number > max)
            {
                violations.Add($"{path}: {number} is above the maximum {max}");
            }
        }

        if (value is JsonArray array)
        {
            if (Number(schema["minItems"]) is { } minItems && array.Count < minItems)
            {
                violations.Add($"{path}: fewer than {minItems} items");
            }

            for (var i = 0; i < array.Count; i++)
            {
                // The API server prunes a null field of an object, but a null list item fails its type.
                if (array[i] is null && schema["items"]?["nullable"]?.GetValue<bool>() != true)
                {
                    violations.Add($"{path}[{i}]: expected {schema["items"]?["type"]}, got Null");
                    continue;
                }

                Check(schema["items"]!.AsObject(), array[i], $"{path}[{i}]", violations);
            }
        }

        if (value is JsonObject obj)
        {
            foreach (var required in schema["required"]?.AsArray() ?? [])
            {
                if (obj[required!.GetValue<string>()] is null)
                {
                    violations.Add($"{path}.{required}: required");
                }
            }

            if (Number(schema["maxProperties"]) is { } maxProperties && obj.Count > maxProperties)
            {
                violations.Add($"{path}: more than {maxProperties} properties");
            }

            var properties = schema["properties"] as JsonObject;
            var additional = schema["additionalProperties"] as JsonObject;
            foreach (var (key, child) in obj)
            {
                if (properties?[key] is JsonObject propertySchema)
                {
                    Check(propertySchema, child, $"{path}.{key}", violations);
                }
                else if (additional is not null)
                {
                    Check(additional, child, $"{path}.{key}", violations);
                }
                else if (properties is not null && schema["x-kubernetes-preserve-unknown-fields"] is null)
                {
                    violations.Add($"{path}.{key}: unknown field (the API server would prune it)");
                }
            }
        }
    }

    private static double? Number(JsonNode? node) =>
        node is null ? null : double.Parse(node.ToJsonString(), CultureInfo.InvariantCulture);
}
