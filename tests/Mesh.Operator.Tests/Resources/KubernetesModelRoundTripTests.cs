using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Kubernetes;
using Mesh.Kubernetes.Models;

namespace Mesh.Operator.Tests.Resources;

/// <summary>
/// Kubernetes' own every-field-filled JSON (kubernetes/api testdata) read into our models and written back must mean
/// the same: the fields we type are read, and the fields we do not type survive in [JsonExtensionData].
/// </summary>
public sealed class KubernetesModelRoundTripTests
{
    [Theory]
    [InlineData("core.v1.Pod.json", typeof(Pod))]
    [InlineData("core.v1.Service.json", typeof(Service))]
    [InlineData("discovery.k8s.io.v1.EndpointSlice.json", typeof(EndpointSlice))]
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
        var service = Read<Service>("core.v1.Service.json");

        var port = Assert.Single(service.Spec.Ports!);
        Assert.Equal(("nameValue", 3, "appProtocolValue"), (port.Name, port.Port, port.AppProtocol));
        Assert.Equal(new IntOrString("targetPortValue"), port.TargetPort);
        Assert.Equal("selectorValue", service.Spec.Selector!["selectorKey"]);
        Assert.Equal("clusterIPValue", service.Spec.ClusterIP);
        Assert.Equal(new DateTimeOffset(2008, 1, 1, 1, 1, 1, TimeSpan.Zero), service.Metadata.CreationTimestamp);
    }

    [Fact]
    public void Pod_fields_the_mesh_reads_are_typed()
    {
        var pod = Read<Pod>("core.v1.Pod.json");

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
        var slice = Read<EndpointSlice>("discovery.k8s.io.v1.EndpointSlice.json");

        var endpoint = Assert.Single(slice.Endpoints!);
        Assert.Equal("addressesValue", Assert.Single(endpoint.Addresses!));
        Assert.True(endpoint.Conditions!.Ready);
        Assert.Equal(("kindValue", "nameValue"), (endpoint.TargetRef!.Kind, endpoint.TargetRef.Name));
        Assert.Equal(3, Assert.Single(slice.Ports!).Port);
    }

    [Theory]
    [InlineData("8080", true, 8080, null)]
    [InlineData("\"http\"", false, null, "http")]
    public void IntOrString_reads_and_writes_both_forms(string json, bool isInt, int? number, string? name)
    {
        var value = JsonSerializer.Deserialize<IntOrString>(json, KubernetesJson.Options);

        Assert.Equal((isInt, number, name), (value.IsInt, value.IntValue, value.StringValue));
        Assert.Equal(json, JsonSerializer.Serialize(value, KubernetesJson.Options));
    }

    private static T Read<T>(string file) =>
        JsonSerializer.Deserialize<T>(File.ReadAllText(TestPaths.TestData(file)), KubernetesJson.Options)!;
}
