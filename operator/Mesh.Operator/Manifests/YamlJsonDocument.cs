using System.Text.Json.Nodes;

namespace Mesh.Operator.Manifests;

/// <summary>One YAML document converted to JSON, with the 1-based line of the document and of every field.</summary>
public sealed record YamlJsonDocument(JsonNode? Root, int Line, IReadOnlyDictionary<string, int> FieldLines);
