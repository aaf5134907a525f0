using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Tests.Fixtures;

namespace Mesh.Kubernetes.Tests.Client;

public sealed class PatchTests
{
    private readonly CancellationToken _ct = TestTimeout.Token();

    [Fact]
    public async Task MergePatch_ChangesAndRemovesFields()
    {
        await using var cluster = await FakeCluster.StartAsync();
        await cluster.Client.CreateWidgetAsync(Widget.Create("default", "w1", "red", new() { ["a"] = "1", ["b"] = "2" }), _ct);

        var patched = await cluster.Client.PatchWidgetAsync("default", "w1",
            WidgetApi.Merge("""{"metadata":{"labels":{"a":null,"c":"3"}},"spec":{"size":4}}"""), _ct);

        Assert.Equal(new Dictionary<string, string> { ["b"] = "2", ["c"] = "3" }, patched.Metadata.Labels);
        Assert.Equal("red", patched.Spec!.Color);
        Assert.Equal(4, patched.Spec.Size);
        Assert.Contains(cluster.Server.Requests, r => r.Method == "PATCH" && r.ContentType!.StartsWith("application/merge-patch+json", StringComparison.Ordinal));
    }

    [Fact]
    public async Task JsonPatch_AppliesOperationsAndATestFailureChangesNothing()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var created = await cluster.Client.CreateWidgetAsync(Widget.Create("default", "w1", "red"), _ct);

        var patched = await cluster.Client.PatchWidgetAsync("default", "w1",
            WidgetApi.Json("""[{"op":"test","path":"/spec/color","value":"red"},{"op":"replace","path":"/spec/color","value":"blue"},{"op":"add","path":"/spec/size","value":2}]"""), _ct);
        Assert.Equal("blue", patched.Spec!.Color);
        Assert.Equal(2, patched.Spec.Size);

        var error = await Assert.ThrowsAsync<KubernetesException>(() => cluster.Client.PatchWidgetAsync("default", "w1",
            WidgetApi.Json("""[{"op":"replace","path":"/spec/color","value":"green"},{"op":"test","path":"/spec/size","value":3}]"""), _ct));
        Assert.Equal(422, (int)error.Code);
        var unchanged = await cluster.Client.GetWidgetAsync("default", "w1", _ct);
        Assert.Equal("blue", unchanged.Spec!.Color);
        Assert.NotEqual(created.Metadata.ResourceVersion, unchanged.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Patch_CarryingAStaleResourceVersion_IsAConflict()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var created = await cluster.Client.CreateWidgetAsync(Widget.Create("default", "w1", "red"), _ct);
        await cluster.Client.PatchWidgetAsync("default", "w1", WidgetApi.Merge("""{"spec":{"size":1}}"""), _ct);

        var error = await Assert.ThrowsAsync<KubernetesException>(() => cluster.Client.PatchWidgetAsync("default", "w1",
            WidgetApi.Merge($$$"""{"metadata":{"resourceVersion":"{{{created.Metadata.ResourceVersion}}}"},"spec":{"size":2}}"""), _ct));
        Assert.True(error.IsConflict);
    }

    [Fact]
    public async Task Apply_CreatesThenUpdates_WithFieldManagerAndForce()
    {
        await using var cluster = await FakeCluster.StartAsync();
        const string Applied = """{"apiVersion":"test.mesh.io/v1","kind":"Widget","metadata":{"name":"w1","namespace":"default"},"spec":{"color":"red"}}""";
        var created = await cluster.Client.ApplyWidgetAsync("default", "w1", Applied, "mesh-operator", force: true, _ct);
        Assert.Equal("red", created.Spec!.Color);

        var updated = await cluster.Client.ApplyWidgetAsync("default", "w1", Applied.Replace("red", "teal", StringComparison.Ordinal), "mesh-operator", force: false, _ct);
        Assert.Equal("teal", updated.Spec!.Color);

        var requests = cluster.Server.Requests.Where(r => r.Method == "PATCH").ToList();
        Assert.All(requests, r => Assert.StartsWith("application/apply-patch+yaml", r.ContentType, StringComparison.Ordinal));
        Assert.Equal("?fieldManager=mesh-operator&force=true", requests[0].Query);
        Assert.Equal("?fieldManager=mesh-operator", requests[1].Query);

        // The API server, not the client, requires the field manager of an apply.
        var unnamed = await Assert.ThrowsAsync<KubernetesException>(() => cluster.Client.ApplyWidgetAsync("default", "w1", Applied, "", force: false, _ct));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, unnamed.Code);
    }

    [Fact]
    public async Task StatusSubresource_WritesOnlyStatus_AndTheMainResourceKeepsIt()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var widget = await cluster.Client.CreateWidgetAsync(Widget.Create("default", "w1", "red"), _ct);

        widget.Spec!.Color = "ignored";
        widget.Status = new WidgetStatus { Phase = "Ready", Conditions = [new k8s.Models.V1Condition { Type = "Accepted", Status = "True", Reason = "Valid", Message = "", ObservedGeneration = 1, LastTransitionTime = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) }] };
        var afterStatus = await cluster.Client.ReplaceWidgetStatusAsync(widget, _ct);
        Assert.Equal("red", afterStatus.Spec!.Color);
        Assert.Equal("Ready", afterStatus.Status!.Phase);
        Assert.Equal(1, afterStatus.Metadata.Generation);

        afterStatus.Spec.Color = "blue";
        afterStatus.Status = null;
        var afterMain = await cluster.Client.ReplaceWidgetAsync(afterStatus, _ct);
        Assert.Equal("blue", afterMain.Spec!.Color);
        Assert.Equal("Ready", afterMain.Status!.Phase);
        Assert.Equal(2, afterMain.Metadata.Generation);

        var patched = await cluster.Client.PatchWidgetStatusAsync("default", "w1", WidgetApi.Merge("""{"status":{"phase":"Degraded"},"spec":{"color":"x"}}"""), _ct);
        Assert.Equal("Degraded", patched.Status!.Phase);
        Assert.Equal("blue", patched.Spec!.Color);
        var status = await cluster.Client.GetWidgetStatusAsync("default", "w1", _ct);
        Assert.Equal("Accepted", Assert.Single(status.Status!.Conditions!).Type);
        Assert.Contains(cluster.Server.Requests, r => r.Method == "PUT" && r.Path.EndsWith("/widgets/w1/status", StringComparison.Ordinal));
    }
}
