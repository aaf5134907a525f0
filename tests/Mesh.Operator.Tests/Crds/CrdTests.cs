using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Mesh.Operator.Manifests;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Tests.Crds;

public sealed class CrdTests
{
    public static TheoryData<string, string, string> Kinds() => new()
    {
        { "VirtualService", "virtualservices", "vs" },
        { "DestinationRule", "destinationrules", "dr" },
        { "MeshPolicy", "meshpolicies", "mp" },
        { "WorkloadEntry", "workloadentries", "we" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Definition_is_namespaced_versioned_and_named_by_plural_and_group(string kind, string plural, string shortName)
    {
        var crd = CrdFiles.ByKind[kind];
        var spec = crd["spec"]!;

        Assert.Equal(("apiextensions.k8s.io/v1", "CustomResourceDefinition"), (crd["apiVersion"]!.GetValue<string>(), crd["kind"]!.GetValue<string>()));
        Assert.Equal($"{plural}.mesh.io", crd["metadata"]!["name"]!.GetValue<string>());
        Assert.Equal(("mesh.io", "Namespaced"), (spec["group"]!.GetValue<string>(), spec["scope"]!.GetValue<string>()));
        Assert.Equal(plural, spec["names"]!["plural"]!.GetValue<string>());
        Assert.Equal([shortName], spec["names"]!["shortNames"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Contains("mesh", spec["names"]!["categories"]!.AsArray().Select(n => n!.GetValue<string>()));
        var versions = spec["versions"]!.AsArray();
        var storage = Assert.Single(versions, v => v!["storage"]!.GetValue<bool>());
        Assert.Equal("v1alpha1", storage!["name"]!.GetValue<string>());
        Assert.True(storage["served"]!.GetValue<bool>());
        Assert.NotNull(storage["subresources"]!["status"]);
        Assert.Contains(storage["additionalPrinterColumns"]!.AsArray(), c => c!["name"]!.GetValue<string>() == "Accepted");
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Schema_is_structural(string kind, string plural, string shortName)
    {
        _ = (plural, shortName);

        Assert.Empty(StructuralSchema.Violations(CrdFiles.Schema(kind)));
    }

    [Fact]
    public void The_structural_check_catches_what_the_api_server_rejects()
    {
        var schema = JsonNode.Parse("""
            {"type":"object","properties":{
              "metadata":{"type":"object","properties":{"labels":{"type":"object"}}},
              "a":{"description":"no type"},
              "b":{"type":"array"},
              "c":{"type":"object","properties":{},"additionalProperties":{"type":"string"}},
              "d":{"type":"string","enum":[1]}}}
            """)!.AsObject();

        var violations = StructuralSchema.Violations(schema);

        Assert.Equal(5, violations.Count);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Status_has_conditions_with_type_and_status(string kind, string plural, string shortName)
    {
        _ = (plural, shortName);
        var conditions = CrdFiles.Schema(kind)["properties"]!["status"]!["properties"]!["conditions"]!;

        Assert.Equal("array", conditions["type"]!.GetValue<string>());
        Assert.Equal(["type", "status"], conditions["items"]!["required"]!.AsArray().Select(r => r!.GetValue<string>()));
    }

    [Theory]
    [InlineData(typeof(VirtualService))]
    [InlineData(typeof(DestinationRule))]
    [InlineData(typeof(MeshPolicy))]
    [InlineData(typeof(WorkloadEntry))]
    public void Schema_types_every_field_of_the_model(Type type)
    {
        var missing = new List<string>();
        CompareModel(type, CrdFiles.Schema(type.Name), "$", missing);

        Assert.Empty(missing);
    }

    [Fact]
    public void Every_mesh_resource_in_the_examples_and_golden_inputs_is_valid_against_its_schema()
    {
        var files = Directory.GetFiles(TestPaths.InRepository("examples"), "*.yaml", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(TestPaths.TestProject, "Compiler", "Golden"), "input.yaml", SearchOption.AllDirectories));
        var checkedResources = 0;
        foreach (var file in files)
        {
            foreach (var document in YamlJsonReader.Read(File.ReadAllText(file)))
            {
                var kind = document.Root?["kind"]?.GetValue<string>();
                if (document.Root?["apiVersion"]?.GetValue<string>() == "mesh.io/v1alpha1" && kind is not null && !file.Contains("invalid", StringComparison.Ordinal))
                {
                    Assert.Empty(SchemaValidator.Violations(CrdFiles.Schema(kind), document.Root).Select(v => $"{file}: {v}"));
                    checkedResources++;
                }
            }
        }

        Assert.True(checkedResources > 40, $"only {checkedResources} resources checked");
    }

    [Theory]
    [InlineData("VirtualService", "{\"spec\":{\"hosts\":[]}}", "$.spec.hosts: fewer than 1 items")]
    [InlineData("VirtualService", "{\"spec\":null}", "$.spec: required")]
    [InlineData("VirtualService", "{\"spec\":{\"hosts\":[\"a\"],\"http\":[null]}}", "$.spec.http[0]: expected object, got Null")]
    [InlineData("VirtualService", "{\"spec\":{\"hosts\":[\"a\"],\"http\":[{\"match\":[null],\"route\":[{\"destination\":{\"host\":\"a\"}}]}]}}", "$.spec.http[0].match[0]: expected object, got Null")]
    [InlineData("DestinationRule", "{\"spec\":null}", "$.spec: required")]
    [InlineData("DestinationRule", "{\"spec\":{}}", "$.spec.host: required")]
    [InlineData("DestinationRule", "{\"spec\":{\"host\":\"a\",\"subsets\":[null]}}", "$.spec.subsets[0]: expected object, got Null")]
    [InlineData("MeshPolicy", "{\"spec\":null}", "$.spec: required")]
    [InlineData("WorkloadEntry", "{\"spec\":null}", "$.spec: required")]
    [InlineData("WorkloadEntry", "{\"spec\":{\"labels\":{\"app\":\"a\"}}}", "$.spec.address: required")]
    [InlineData("VirtualService", "{\"spec\":{\"hosts\":[\"a\"],\"http\":[{\"timeout\":\"10\"}]}}", "$.spec.http[0].timeout: '10' does not match")]
    [InlineData("VirtualService", "{\"spec\":{\"hosts\":[\"a\"],\"http\":[{\"route\":[{\"destination\":{\"host\":\"a\"},\"weight\":-1}]}]}}", "$.spec.http[0].route[0].weight: -1 is below the minimum 0")]
    [InlineData("VirtualService", "{\"spec\":{\"hosts\":[\"a\"],\"http\":[{\"fault\":{\"abort\":{\"httpStatus\":500,\"percentage\":{\"value\":-1}}}}]}}", "$.spec.http[0].fault.abort.percentage.value: -1 is below the minimum 0")]
    [InlineData("DestinationRule", "{\"spec\":{\"host\":\"a\",\"trafficPolicy\":{\"loadBalancer\":{\"simple\":\"FASTEST\"}}}}", "$.spec.trafficPolicy.loadBalancer.simple: \"FASTEST\" is not an allowed value")]
    [InlineData("DestinationRule", "{\"spec\":{\"subsets\":[]}}", "$.spec.host: required")]
    [InlineData("MeshPolicy", "{\"spec\":{\"mtls\":{\"mode\":\"MAYBE\"}}}", "$.spec.mtls.mode: \"MAYBE\" is not an allowed value")]
    [InlineData("WorkloadEntry", "{\"spec\":{\"address\":\"a\",\"ports\":{\"http\":0}}}", "$.spec.ports.http: 0 is below the minimum 1")]
    public void Schema_rejects_invalid_values(string kind, string json, string violation)
    {
        var violations = SchemaValidator.Violations(CrdFiles.Schema(kind), JsonNode.Parse(json));

        Assert.Contains(violations, v => v.StartsWith(violation, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"spec\":{\"host\":\"a\",\"trafficPolicy\":{\"loadBalancer\":{\"simple\":\"LEAST_CONN\"}}}}")]
    [InlineData("{\"spec\":{\"host\":\"a\",\"trafficPolicy\":{\"portLevelSettings\":[{\"port\":{\"number\":80},\"loadBalancer\":{\"simple\":\"LEAST_CONN\"}}]}}}")]
    [InlineData("{\"spec\":{\"host\":\"a\",\"subsets\":[{\"name\":\"v1\",\"trafficPolicy\":{\"loadBalancer\":{\"simple\":\"LEAST_CONN\"}}}]}}")]
    [InlineData("{\"spec\":{\"host\":\"a\",\"subsets\":[{\"name\":\"v1\",\"trafficPolicy\":{\"portLevelSettings\":[{\"port\":{\"number\":80},\"loadBalancer\":{\"simple\":\"LEAST_CONN\"}}]}}]}}")]
    public void Schema_accepts_istios_deprecated_least_conn_wherever_a_balancer_is_named(string json) =>
        Assert.Empty(SchemaValidator.Violations(CrdFiles.Schema("DestinationRule"), JsonNode.Parse(json)));

    // Walks the C# model and the schema together: every property the model reads must be typed in the schema,
    // or the API server would prune it before the operator sees it.
    private static void CompareModel(Type type, JsonObject schema, string path, List<string> missing)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        var schemaType = schema["type"]?.GetValue<string>();
        if (type == typeof(System.Text.Json.JsonElement))
        {
            // Read as raw JSON (Istio fields the mesh accepts but does not compile): the schema keeps what is written.
            Expect(schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true, path, "object with x-kubernetes-preserve-unknown-fields", missing);
        }
        else if (type == typeof(string) || type == typeof(DateTime) || type == typeof(DateTimeOffset))
        {
            Expect(schemaType == "string", path, "string", missing);
        }
        else if (type == typeof(int) || type == typeof(long))
        {
            Expect(schemaType == "integer", path, "integer", missing);
        }
        else if (type == typeof(double))
        {
            Expect(schemaType == "number", path, "number", missing);
        }
        else if (type == typeof(bool))
        {
            Expect(schemaType == "boolean", path, "boolean", missing);
        }
        else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            if (schema["additionalProperties"] is JsonObject values)
            {
                CompareModel(type.GetGenericArguments()[1], values, path + ".*", missing);
            }
            else
            {
                missing.Add($"{path}: expected a map");
            }
        }
        else if (typeof(IEnumerable).IsAssignableFrom(type))
        {
            if (schema["items"] is JsonObject items)
            {
                CompareModel(type.GetGenericArguments()[0], items, path + "[]", missing);
            }
            else
            {
                missing.Add($"{path}: expected an array");
            }
        }
        else
        {
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetCustomAttribute<JsonExtensionDataAttribute>() is not null || property.GetCustomAttribute<JsonIgnoreAttribute>() is not null ||
                    property.Name == "Metadata")
                {
                    continue;
                }

                var name = char.ToLowerInvariant(property.Name[0]) + property.Name[1..];
                if (schema["properties"]?[name] is JsonObject child)
                {
                    CompareModel(property.PropertyType, child, $"{path}.{name}", missing);
                }
                else
                {
                    missing.Add($"{path}.{name}: not in the schema");
                }
            }
        }
    }

    private static void Expect(bool ok, string path, string type, List<string> missing)
    {
        if (!ok)
        {
            missing.Add($"{path}: expected type {type}");
        }
    }
}
