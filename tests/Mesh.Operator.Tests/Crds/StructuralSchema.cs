using System.Text.Json.Nodes;

namespace Mesh.Operator.Tests.Crds;

/// <summary>
/// The API server's rules for structural schemas (apiextensions.k8s.io/v1): every node has a type unless it is
/// int-or-string or preserves unknown fields; arrays have one items schema; properties and additionalProperties
/// are exclusive; metadata only restricts name and generateName; list-type map keys are required; enum values
/// have the node's type; logical junctors (allOf, anyOf, oneOf, not) carry no types or structure.
/// </summary>
internal static class StructuralSchema
{
    private static readonly string[] Junctors = ["allOf", "anyOf", "oneOf", "not"];
    private static readonly string[] StructuralKeywords = ["type", "properties", "additionalProperties", "items", "nullable", "default", "description"];

    public static List<string> Violations(JsonObject root)
    {
        var violations = new List<string>();
        if (root["type"]?.GetValue<string>() != "object")
        {
            violations.Add("$: the root must be of type object");
        }

        if (root["properties"]?["metadata"] is JsonObject metadata)
        {
            var extra = metadata.Select(p => p.Key).Except(["type", "properties"]).ToList();
            var fields = (metadata["properties"] as JsonObject)?.Select(p => p.Key).Except(["name", "generateName"]).ToList() ?? [];
            if (extra.Count > 0 || fields.Count > 0 || metadata["type"]?.GetValue<string>() != "object")
            {
                violations.Add("$.properties.metadata: only type: object and restrictions of name and generateName are allowed");
            }
        }

        Check(root, "$", violations);
        return violations;
    }

    private static void Check(JsonObject node, string path, List<string> violations)
    {
        var type = node["type"]?.GetValue<string>();
        var intOrString = node["x-kubernetes-int-or-string"]?.GetValue<bool>() == true;
        var preserve = node["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;
        if (string.IsNullOrEmpty(type) && !intOrString && !preserve)
        {
            violations.Add($"{path}: type is required");
        }

        if (type is not (null or "object" or "array" or "string" or "integer" or "number" or "boolean"))
        {
            violations.Add($"{path}: unknown type {type}");
        }

        if (node.ContainsKey("properties") && node.ContainsKey("additionalProperties"))
        {
            violations.Add($"{path}: properties and additionalProperties are mutually exclusive");
        }

        if ((node.ContainsKey("properties") || node.ContainsKey("additionalProperties")) && type != "object")
        {
            violations.Add($"{path}: properties need type object");
        }

        if (type == "array")
        {
            if (node["items"] is not JsonObject items)
            {
                violations.Add($"{path}: an array needs one items schema");
            }
            else
            {
                Check(items, path + ".items", violations);
                if (node["x-kubernetes-list-type"]?.GetValue<string>() == "map")
                {
                    var required = items["required"]?.AsArray().Select(r => r!.GetValue<string>()).ToList() ?? [];
                    foreach (var key in node["x-kubernetes-list-map-keys"]?.AsArray() ?? [])
                    {
                        if (!required.Contains(key!.GetValue<string>()))
                        {
                            violations.Add($"{path}: list map key {key} must be required");
                        }
                    }
                }
            }
        }
        else if (node.ContainsKey("items"))
        {
            violations.Add($"{path}: items needs type array");
        }

        foreach (var value in node["enum"]?.AsArray() ?? [])
        {
            var kind = value!.GetValueKind();
            var matches = type switch
            {
                "string" => kind == System.Text.Json.JsonValueKind.String,
                "integer" or "number" => kind == System.Text.Json.JsonValueKind.Number,
                _ => false,
            };
            if (!matches)
            {
                violations.Add($"{path}: enum value {value.ToJsonString()} is not of type {type}");
            }
        }

        foreach (var junctor in Junctors)
        {
            if (node[junctor] is JsonNode logic && StructuralKeywords.Any(k => logic.ToJsonString().Contains($"\"{k}\"", StringComparison.Ordinal)))
            {
                violations.Add($"{path}.{junctor}: must not set type, properties, items, default, nullable or description");
            }
        }

        foreach (var (name, child) in node["properties"] as JsonObject ?? [])
        {
            Check(child!.AsObject(), $"{path}.properties.{name}", violations);
        }

        if (node["additionalProperties"] is JsonObject additional)
        {
            Check(additional, path + ".additionalProperties", violations);
        }
    }
}
