using System.Net;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Informers;
using Mesh.Kubernetes.Tests.Fixtures;

namespace Mesh.Kubernetes.Tests.Client;

/// <summary>KubernetesClient's calls the tests and the mesh make, answered by the fake API server as Kubernetes answers them.</summary>
public sealed class KubernetesClientTests
{
    private readonly CancellationToken _ct = TestTimeout.Token();

    [Fact]
    public async Task CreateGetAndReplace_RoundTripThroughTheServer_WithNewResourceVersions()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var created = await cluster.Client.CreateWidgetAsync(Widget.Create("default", "w1", "red"), _ct);
        Assert.NotNull(created.Metadata.ResourceVersion);
        Assert.NotNull(created.Metadata.Uid);
        Assert.Equal(1, created.Metadata.Generation);

        created.Spec!.Color = "blue";
        var replaced = await cluster.Client.ReplaceWidgetAsync(created, _ct);
        Assert.NotEqual(created.Metadata.ResourceVersion, replaced.Metadata.ResourceVersion);
        Assert.Equal(2, replaced.Metadata.Generation);

        var fetched = await cluster.Client.GetWidgetAsync("default", "w1", _ct);
        Assert.Equal("blue", fetched.Spec!.Color);
        Assert.Equal(replaced.Metadata.ResourceVersion, fetched.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Replace_WithAStaleResourceVersion_IsAConflict()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var first = await cluster.Client.CreateWidgetAsync(Widget.Create("default", "w1", "red"), _ct);
        var second = await cluster.Client.GetWidgetAsync("default", "w1", _ct);
        second.Spec!.Color = "green";
        await cluster.Client.ReplaceWidgetAsync(second, _ct);

        first.Spec!.Color = "blue";
        var error = await Assert.ThrowsAsync<KubernetesException>(() => cluster.Client.ReplaceWidgetAsync(first, _ct));
        Assert.Equal(HttpStatusCode.Conflict, error.Code);
        Assert.True(error.IsConflict);
        Assert.Contains("the object has been modified", error.Status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_OfAMissingObject_ThrowsNotFoundWithTheServersStatus()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var error = await Assert.ThrowsAsync<KubernetesException>(() => cluster.Client.GetWidgetAsync("default", "nope", _ct));
        Assert.True(error.IsNotFound);
        Assert.Equal("NotFound", error.Reason);
        Assert.Equal("widgets \"nope\" not found", error.Status.Message);
    }

    [Fact]
    public async Task Create_OfAnExistingName_IsAlreadyExistsNotConflict()
    {
        await using var cluster = await FakeCluster.StartAsync();
        await cluster.Client.CreateWidgetAsync(Widget.Create("default", "w1", "red"), _ct);
        var error = await Assert.ThrowsAsync<KubernetesException>(() => cluster.Client.CreateWidgetAsync(Widget.Create("default", "w1", "red"), _ct));
        Assert.True(error.IsAlreadyExists);
        Assert.False(error.IsConflict);
    }

    [Fact]
    public async Task List_WithALimit_PagesThroughEveryObjectWithContinueTokens()
    {
        await using var cluster = await FakeCluster.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await cluster.Client.CreateWidgetAsync(Widget.Create(i % 2 == 0 ? "a" : "b", $"w{i}", "red"), _ct);
        }

        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await cluster.Client.ListWidgetsAsync(null, new ListWatchQuery { Limit = 2, Continue = token }, _ct);
            Assert.NotEmpty(page.ResourceVersion);
            Assert.True(page.Items.Count <= 2);
            names.AddRange(page.Items.Select(w => w.Metadata.Name!));
            token = page.Continue;
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages);
        Assert.Equal(["w0", "w1", "w2", "w3", "w4"], names.Order());
        Assert.Contains(cluster.Server.Requests, r => r.Query.Contains("limit=2", StringComparison.Ordinal) && r.Query.Contains("continue=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task List_InANamespaceWithSelectors_ReturnsOnlyMatchingObjects()
    {
        await using var cluster = await FakeCluster.StartAsync();
        await cluster.Client.CreateWidgetAsync(Widget.Create("a", "w1", "red", new() { ["app"] = "x" }), _ct);
        await cluster.Client.CreateWidgetAsync(Widget.Create("a", "w2", "red", new() { ["app"] = "y" }), _ct);
        await cluster.Client.CreateWidgetAsync(Widget.Create("b", "w3", "red", new() { ["app"] = "x" }), _ct);

        var byLabel = await cluster.Client.ListWidgetsAsync("a", new ListWatchQuery { LabelSelector = "app=x" }, _ct);
        Assert.Equal(["w1"], byLabel.Items.Select(w => w.Metadata.Name));
        var byField = await cluster.Client.ListWidgetsAsync(null, new ListWatchQuery { FieldSelector = "metadata.name=w3" }, _ct);
        Assert.Equal(["w3"], byField.Items.Select(w => w.Metadata.Name));
        Assert.Contains(cluster.Server.Requests, r => r.Path == "/apis/test.mesh.io/v1/namespaces/a/widgets" && r.Query.Contains("labelSelector=app%3Dx", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delete_RemovesTheObject_AndAStalePreconditionIsAConflict()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var created = await cluster.Client.CreateWidgetAsync(Widget.Create("default", "w1", "red"), _ct);
        var error = await Assert.ThrowsAsync<KubernetesException>(() => cluster.Client.DeleteWidgetAsync("default", "w1", "1", _ct));
        Assert.True(error.IsConflict);

        await cluster.Client.DeleteWidgetAsync("default", "w1", created.Metadata.ResourceVersion, _ct);
        var gone = await Assert.ThrowsAsync<KubernetesException>(() => cluster.Client.GetWidgetAsync("default", "w1", _ct));
        Assert.True(gone.IsNotFound);
    }

    [Fact]
    public void ClusterScopedAndCoreGroupPaths_FollowTheApiLayout()
    {
        var core = new ResourceType("", "v1", "pods", "Pod", Namespaced: true);
        var clusterScoped = new ResourceType("test.mesh.io", "v1", "gadgets", "Gadget", Namespaced: false);
        Assert.Equal("/api/v1/namespaces/ns/pods/p/status", core.ObjectPath("ns", "p", "status"));
        Assert.Equal("/api/v1/pods", core.CollectionPath(null));
        Assert.Equal("/apis/test.mesh.io/v1/gadgets/g", clusterScoped.ObjectPath("ignored", "g"));
        Assert.Throws<ArgumentException>(() => core.ObjectPath(null, "p"));
    }
}
