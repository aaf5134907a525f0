using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Tests.Fixtures;

namespace Mesh.Kubernetes.Tests.Client;

public sealed class WatchTests
{
    private readonly CancellationToken _ct = TestTimeout.Token();

    [Fact]
    public async Task Watch_FromAListsVersion_StreamsAddedModifiedDeletedAndBookmarks()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var list = await cluster.Client.ListAsync<Widget>(Widget.Type, "default", null, _ct);
        await using var events = cluster.Client.WatchAsync<Widget>(Widget.Type, "default", new WatchOptions { ResourceVersion = list.ResourceVersion }, _ct).GetAsyncEnumerator(_ct);
        var first = NextAsync(events);
        await TestTimeout.WaitUntilAsync(() => cluster.Server.Store.OpenWatches == 1, "the watch to open");

        var created = await cluster.Client.CreateAsync(Widget.Type, Widget.Create("default", "w1", "red"), _ct);
        created.Spec!.Color = "blue";
        var modified = await cluster.Client.ReplaceAsync(Widget.Type, created, _ct);
        await cluster.Client.DeleteAsync(Widget.Type, "default", "w1", null, _ct);
        cluster.Server.Store.SendBookmarks();

        var added = await first;
        Assert.Equal(WatchEventType.Added, added.Type);
        Assert.Equal(created.Metadata.ResourceVersion, added.Object!.Metadata.ResourceVersion);
        var changed = await NextAsync(events);
        Assert.Equal(WatchEventType.Modified, changed.Type);
        Assert.Equal("blue", changed.Object!.Spec!.Color);
        Assert.Equal(modified.Metadata.ResourceVersion, changed.Object.Metadata.ResourceVersion);
        var deleted = await NextAsync(events);
        Assert.Equal(WatchEventType.Deleted, deleted.Type);
        Assert.Equal("w1", deleted.Object!.Metadata.Name);
        var bookmark = await NextAsync(events);
        Assert.Equal(WatchEventType.Bookmark, bookmark.Type);
        Assert.Equal(cluster.Server.Store.ResourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture), bookmark.Object!.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Watch_SendsTheWatchQueryParameters()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var options = new WatchOptions { ResourceVersion = "7", Timeout = TimeSpan.FromMinutes(6), LabelSelector = "app=x" };
        await using var events = cluster.Client.WatchAsync<Widget>(Widget.Type, null, options, _ct).GetAsyncEnumerator(_ct);
        var next = events.MoveNextAsync().AsTask();
        await TestTimeout.WaitUntilAsync(() => cluster.Server.Store.OpenWatches == 1, "the watch to open");
        cluster.Server.Store.CloseWatches();
        Assert.False(await next);

        var watch = Assert.Single(cluster.Server.Requests, r => r.IsWatch);
        Assert.Equal("/apis/test.mesh.io/v1/widgets", watch.Path);
        Assert.Equal("?watch=1&resourceVersion=7&allowWatchBookmarks=true&timeoutSeconds=360&labelSelector=app%3Dx", watch.Query);
    }

    [Fact]
    public async Task Watch_ExpiredMidStream_YieldsAn410ErrorEventThenEnds()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var list = await cluster.Client.ListAsync<Widget>(Widget.Type, null, null, _ct);
        await using var events = cluster.Client.WatchAsync<Widget>(Widget.Type, null, new WatchOptions { ResourceVersion = list.ResourceVersion }, _ct).GetAsyncEnumerator(_ct);
        await cluster.Client.CreateAsync(Widget.Type, Widget.Create("default", "w1", "red"), _ct);
        Assert.Equal(WatchEventType.Added, (await NextAsync(events)).Type);

        cluster.Server.Store.ExpireWatches();
        var error = await NextAsync(events);
        Assert.Equal(WatchEventType.Error, error.Type);
        Assert.Null(error.Object);
        Assert.Equal(410, error.Status!.Code);
        Assert.Equal("Expired", error.Status.Reason);
        Assert.False(await events.MoveNextAsync());
    }

    [Fact]
    public async Task Watch_FromACompactedVersion_FailsWithExpired()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var list = await cluster.Client.ListAsync<Widget>(Widget.Type, null, null, _ct);
        await cluster.Client.CreateAsync(Widget.Type, Widget.Create("default", "w1", "red"), _ct);
        cluster.Server.Store.Compact();

        await using var events = cluster.Client.WatchAsync<Widget>(Widget.Type, null, new WatchOptions { ResourceVersion = list.ResourceVersion }, _ct).GetAsyncEnumerator(_ct);
        var error = await NextAsync(events);
        Assert.Equal(WatchEventType.Error, error.Type);
        Assert.Equal(410, error.Status!.Code);
    }

    [Fact]
    public async Task Watch_AMalformedEvent_IsAnInvalidDataError()
    {
        await using var cluster = await FakeCluster.StartAsync();
        await using var events = cluster.Client.WatchAsync<Widget>(Widget.Type, null, new WatchOptions(), _ct).GetAsyncEnumerator(_ct);
        var next = events.MoveNextAsync().AsTask();
        await TestTimeout.WaitUntilAsync(() => cluster.Server.Store.OpenWatches == 1, "the watch to open");
        cluster.Server.Store.FailWatchesWith("""{"type":"ADDED","object":""");

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => next);
        Assert.Contains("not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watch_WhoseConnectionDrops_FailsRatherThanEndingQuietly()
    {
        await using var cluster = await FakeCluster.StartAsync();
        await using var events = cluster.Client.WatchAsync<Widget>(Widget.Type, null, new WatchOptions(), _ct).GetAsyncEnumerator(_ct);
        var next = events.MoveNextAsync().AsTask();
        await TestTimeout.WaitUntilAsync(() => cluster.Server.Store.OpenWatches == 1, "the watch to open");

        cluster.Server.Store.AbortWatches();
        await Assert.ThrowsAnyAsync<IOException>(() => next);
    }

    [Fact]
    public async Task Watch_OutlivesTheRequestTimeout_WhichBoundsOnlyItsHeaders()
    {
        await using var cluster = await FakeCluster.StartAsync(new KubernetesClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(300) });
        await using var events = cluster.Client.WatchAsync<Widget>(Widget.Type, null, new WatchOptions(), _ct).GetAsyncEnumerator(_ct);
        var next = events.MoveNextAsync().AsTask();
        await TestTimeout.WaitUntilAsync(() => cluster.Server.Store.OpenWatches == 1, "the watch to open");

        // Well past the request timeout: a watch that timed out would fail here instead of delivering the event.
        await Task.Delay(TimeSpan.FromSeconds(1), _ct);
        await cluster.Client.CreateAsync(Widget.Type, Widget.Create("default", "w1", "red"), _ct);
        Assert.True(await next);
        Assert.Equal("w1", events.Current.Object!.Metadata.Name);
    }

    [Fact]
    public async Task Watch_Cancelled_StopsTheEnumeration()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_ct);
        await using var events = cluster.Client.WatchAsync<Widget>(Widget.Type, null, new WatchOptions(), cts.Token).GetAsyncEnumerator(cts.Token);
        var next = events.MoveNextAsync().AsTask();
        await TestTimeout.WaitUntilAsync(() => cluster.Server.Store.OpenWatches == 1, "the watch to open");
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
    }

    private static async Task<WatchEvent<Widget>> NextAsync(IAsyncEnumerator<WatchEvent<Widget>> events)
    {
        Assert.True(await events.MoveNextAsync(), "the watch ended early");
        return events.Current;
    }
}
