using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using Mesh.Kubernetes;

namespace Mesh.Operator.Tests.Resources;

/// <summary>
/// Kubernetes' own every-field-filled JSON (kubernetes/api testdata) read into KubernetesClient's models with the
/// mesh's JSON options (manifests, the fake API server's bodies) and written back must mean the same, and the
/// fields the compiler reads must come through typed.
/// </summary>
public sealed class KubernetesModelRoundTripTests
{
    [Theory]
    [InlineData("core.v1.Pod.json", typeof(V1Pod))]
    [InlineData("core.v1.Service.json", typeof(V1Service))]
    [InlineData("discovery.k8s.io.v1.EndpointSlice.json", typeof(V1EndpointSlice))]
    public void Round_trip_keeps_every_field(string file, Type type)
    {
        var json = File.ReadAllText(TestPaths.TestData(file));
        var model = JsonSerializer.Deserialize(json, type, KubernetesJson.Options);
        var written = JsonSerializer.SerializeToNode(model, type, KubernetesJson.Options);

        Assert.Null(JsonSemantics.FirstDifference(JsonNode.Parse(json), written));
    }

    [Fact]
    public void Service_fields_the_mesh_reads_are_typed()
    {
        var service = Read<V1Service>("core.v1.Service.json");

        var port = Assert.Single(service.Spec.Ports!);
        Assert.Equal(("nameValue", 3, "appProtocolValue"), (port.Name, port.Port, port.AppProtocol));
        Assert.Equal("targetPortValue", port.TargetPort.Value);
        Assert.Equal("selectorValue", service.Spec.Selector!["selectorKey"]);
        Assert.Equal("clusterIPValue", service.Spec.ClusterIP);
        Assert.Equal(new DateTime(2008, 1, 1, 1, 1, 1, DateTimeKind.Utc), service.Metadata.CreationTimestamp);
    }

    [Fact]
    public void Pod_fields_the_mesh_reads_are_typed()
    {
        var pod = Read<V1Pod>("core.v1.Pod.json");

        Assert.Equal("serviceAccountNameValue", pod.Spec.ServiceAccountName);
        Assert.Equal("podIPValue", pod.Status!.PodIP);
        Assert.Equal("phaseValue", pod.Status.Phase);
        Assert.Equal("labelsValue", pod.Metadata.Labels!["labelsKey"]);
        var container = Assert.Single(pod.Spec.Containers!);
        Assert.Equal("nameValue", container.Name);
        Assert.Equal(3, Assert.Single(container.Ports!).ContainerPort);
    }

    [Fact]
    public void EndpointSlice_fields_the_mesh_reads_are_typed()
    {
        var slice = Read<V1EndpointSlice>("discovery.k8s.io.v1.EndpointSlice.json");

        var endpoint = Assert.Single(slice.Endpoints!);
        Assert.Equal("addressesValue", Assert.Single(endpoint.Addresses!));
        Assert.True(endpoint.Conditions!.Ready);
        Assert.Equal(("kindValue", "nameValue"), (endpoint.TargetRef!.Kind, endpoint.TargetRef.Name));
        Assert.Equal(3, Assert.Single(slice.Ports!).Port);
    }

    [Theory]
    [InlineData("8080", "8080")]
    [InlineData("\"http\"", "http")]
    public void IntOrString_reads_and_writes_both_forms(string json, string value)
    {
        var read = JsonSerializer.Deserialize<IntOrString>(json, KubernetesJson.Options)!;

        Assert.Equal(value, read.Value);
        Assert.Equal(json, JsonSerializer.Serialize(read, KubernetesJson.Options));
    }

    [Fact]
    public void A_field_the_OpenAPI_requires_may_be_absent_as_Go_reads_it()
    {
        // A hand-written Service port without a number is the validators' to report, with its path.
        var service = JsonSerializer.Deserialize<V1Service>("""{"spec":{"ports":[{"name":"http"}]}}""", KubernetesJson.Options)!;

        Assert.Equal(0, Assert.Single(service.Spec.Ports).Port);
    }

    private static T Read<T>(string file) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(TestPaths.TestData(file)), KubernetesJson.Options)!;
}
