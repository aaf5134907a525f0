using System.Net;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Tests.Fixtures;

namespace Mesh.Kubernetes.Tests.Client;

public sealed class KubernetesClientTests
{
    private readonly CancellationToken _ct = TestTimeout.Token();

    [Fact]
    public async Task CreateGetAndReplace_RoundTripThroughTheServer_WithNewResourceVersions()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var created = await cluster.Client.CreateAsync(Widget.Type, Widget.Create("default", "w1", "red"), _ct);
        Assert.NotNull(created.Metadata.ResourceVersion);
        Assert.NotNull(created.Metadata.Uid);
        Assert.Equal(1, created.Metadata.Generation);

        created.Spec!.Color = "blue";
        var replaced = await cluster.Client.ReplaceAsync(Widget.Type, created, _ct);
        Assert.NotEqual(created.Metadata.ResourceVersion, replaced.Metadata.ResourceVersion);
        Assert.Equal(2, replaced.Metadata.Generation);

        var fetched = await cluster.Client.GetAsync<Widget>(Widget.Type, "default", "w1", _ct);
        Assert.Equal("blue", fetched.Spec!.Color);
        Assert.Equal(replaced.Metadata.ResourceVersion, fetched.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Replace_WithAStaleResourceVersion_IsAConflict()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var first = await cluster.Client.CreateAsync(Widget.Type, Widget.Create("default", "w1", "red"), _ct);
        var second = await cluster.Client.GetAsync<Widget>(Widget.Type, "default", "w1", _ct);
        second.Spec!.Color = "green";
        await cluster.Client.ReplaceAsync(Widget.Type, second, _ct);

        first.Spec!.Color = "blue";
        var error = await Assert.ThrowsAsync<KubernetesException>(() => cluster.Client.ReplaceAsync(Widget.Type, first, _ct));
        Assert.Equal(HttpStatusCode.Conflict, error.Code);
        Assert.True(error.IsConflict);
        Assert.Contains("the object has been modified", error.Status.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_OfAMissingObject_ThrowsNotFoundWithTheServersStatus()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var error = await Assert.ThrowsAsync<KubernetesException>(() => cluster.Client.GetAsync<Widget>(Widget.Type, "default", "nope", _ct));
        Assert.True(error.IsNotFound);
        Assert.Equal("NotFound", error.Reason);
        Assert.Equal("widgets \"nope\" not found", error.Status.Message);
    }

    [Fact]
    public async Task Create_OfAnExistingName_IsAlreadyExistsNotConflict()
    {
        await using var cluster = await FakeCluster.StartAsync();
        await cluster.Client.CreateAsync(Widget.Type, Widget.Create("default", "w1", "red"), _ct);
        var error = await Assert.ThrowsAsync<KubernetesException>(() => cluster.Client.CreateAsync(Widget.Type, Widget.Create("default", "w1", "red"), _ct));
        Assert.True(error.IsAlreadyExists);
        Assert.False(error.IsConflict);
    }

    [Fact]
    public async Task List_WithALimit_PagesThroughEveryObjectWithContinueTokens()
    {
        await using var cluster = await FakeCluster.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await cluster.Client.CreateAsync(Widget.Type, Widget.Create(i % 2 == 0 ? "a" : "b", $"w{i}", "red"), _ct);
        }

        var names = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await cluster.Client.ListAsync<Widget>(Widget.Type, null, new ListOptions { Limit = 2, Continue = token }, _ct);
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
    public async Task ListAll_FollowsContinueTokens_AndReportsTheFirstPagesVersion()
    {
        await using var cluster = await FakeCluster.StartAsync();
        for (var i = 0; i < 5; i++)
        {
            await cluster.Client.CreateAsync(Widget.Type, Widget.Create("a", $"w{i}", "red"), _ct);
        }

        var version = cluster.Server.Store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var all = await cluster.Client.ListAllAsync<Widget>(Widget.Type, "a", new ListOptions { Limit = 2, ResourceVersion = "0" }, _ct);

        Assert.Equal(5, all.Items.Count);
        Assert.Equal(version, all.ResourceVersion);
        Assert.Null(all.Continue);
        var queries = cluster.Server.Requests.Where(r => r.Method == "GET").Select(r => r.Query).ToList();
        Assert.Equal(3, queries.Count);
        Assert.Equal("?limit=2&resourceVersion=0", queries[0]);
        Assert.DoesNotContain("resourceVersion", queries[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_InANamespaceWithSelectors_ReturnsOnlyMatchingObjects()
    {
        await using var cluster = await FakeCluster.StartAsync();
        await cluster.Client.CreateAsync(Widget.Type, Widget.Create("a", "w1", "red", new() { ["app"] = "x" }), _ct);
        await cluster.Client.CreateAsync(Widget.Type, Widget.Create("a", "w2", "red", new() { ["app"] = "y" }), _ct);
        await cluster.Client.CreateAsync(Widget.Type, Widget.Create("b", "w3", "red", new() { ["app"] = "x" }), _ct);

        var byLabel = await cluster.Client.ListAsync<Widget>(Widget.Type, "a", new ListOptions { LabelSelector = "app=x" }, _ct);
        Assert.Equal(["w1"], byLabel.Items.Select(w => w.Metadata.Name));
        var byField = await cluster.Client.ListAsync<Widget>(Widget.Type, null, new ListOptions { FieldSelector = "metadata.name=w3" }, _ct);
        Assert.Equal(["w3"], byField.Items.Select(w => w.Metadata.Name));
        Assert.Contains(cluster.Server.Requests, r => r.Path == "/apis/test.mesh.io/v1/namespaces/a/widgets" && r.Query == "?labelSelector=app%3Dx");
    }

    [Fact]
    public async Task Delete_RemovesTheObject_AndAStalePreconditionIsAConflict()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var created = await cluster.Client.CreateAsync(Widget.Type, Widget.Create("default", "w1", "red"), _ct);
        var error = await Assert.ThrowsAsync<KubernetesException>(() => cluster.Client.DeleteAsync(Widget.Type, "default", "w1", "1", _ct));
        Assert.True(error.IsConflict);

        await cluster.Client.DeleteAsync(Widget.Type, "default", "w1", created.Metadata.ResourceVersion, _ct);
        var gone = await Assert.ThrowsAsync<KubernetesException>(() => cluster.Client.GetAsync<Widget>(Widget.Type, "default", "w1", _ct));
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
