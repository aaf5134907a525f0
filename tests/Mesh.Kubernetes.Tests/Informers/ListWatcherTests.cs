using System.Globalization;
using k8s;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Informers;
using Mesh.Kubernetes.Tests.Fixtures;

namespace Mesh.Kubernetes.Tests.Informers;

/// <summary>
/// The informers' list and watch on KubernetesClient's custom-object API and watch reader, against the fake API
/// server's wire format (Kubernetes' watch events, bookmarks, 410 as a status response and as an ERROR event).
/// </summary>
public sealed class ListWatcherTests
{
    private readonly CancellationToken _ct = TestTimeout.Token();

    [Fact]
    public async Task Watch_FromAListsVersion_StreamsAddedModifiedDeletedAndBookmarks()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var list = await cluster.Client.ListWidgetsAsync("default", null, _ct);
        var query = new ListWatchQuery { ResourceVersion = list.ResourceVersion };
        await using var events = cluster.Client.WatchWidgets("default", query, null, _ct).GetAsyncEnumerator(_ct);
        var first = NextAsync(events);
        await TestTimeout.WaitUntilAsync(() => cluster.Server.Store.OpenWatches == 1, "the watch to open");

        var created = await cluster.Client.CreateWidgetAsync(Widget.Create("default", "w1", "red"), _ct);
        created.Spec!.Color = "blue";
        var modified = await cluster.Client.ReplaceWidgetAsync(created, _ct);
        await cluster.Client.DeleteWidgetAsync("default", "w1", null, _ct);
        cluster.Server.Store.SendBookmarks();

        var added = await first;
        Assert.Equal(WatchEventType.Added, added.Type);
        Assert.Equal(created.Metadata.ResourceVersion, added.Object.Metadata.ResourceVersion);
        var changed = await NextAsync(events);
        Assert.Equal(WatchEventType.Modified, changed.Type);
        Assert.Equal("blue", changed.Object.Spec!.Color);
        Assert.Equal(modified.Metadata.ResourceVersion, changed.Object.Metadata.ResourceVersion);
        var deleted = await NextAsync(events);
        Assert.Equal(WatchEventType.Deleted, deleted.Type);
        Assert.Equal("w1", deleted.Object.Metadata.Name);
        var bookmark = await NextAsync(events);
        Assert.Equal(WatchEventType.Bookmark, bookmark.Type);
        Assert.Equal(cluster.Server.Store.ResourceVersion.ToString(CultureInfo.InvariantCulture), bookmark.Object.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task Watch_SendsTheWatchQueryParameters_ToTheClusterWideCollection()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var query = new ListWatchQuery { ResourceVersion = "7", TimeoutSeconds = 360, LabelSelector = "app=x" };
        await using var events = cluster.Client.WatchWidgets(null, query, null, _ct).GetAsyncEnumerator(_ct);
        var next = events.MoveNextAsync().AsTask();
        await TestTimeout.WaitUntilAsync(() => cluster.Server.Store.OpenWatches == 1, "the watch to open");
        cluster.Server.Store.CloseWatches();
        Assert.False(await next);

        var watch = Assert.Single(cluster.Server.Requests, r => r.IsWatch);
        Assert.Equal("/apis/test.mesh.io/v1/widgets", watch.Path);
        foreach (var parameter in new[] { "watch=true", "resourceVersion=7", "allowWatchBookmarks=true", "timeoutSeconds=360", "labelSelector=app%3Dx" })
        {
            Assert.Contains(parameter, watch.Query, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Watch_ExpiredMidStream_ReportsThe410StatusToOnErrorThenEnds()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var list = await cluster.Client.ListWidgetsAsync(null, null, _ct);
        var errors = new List<Exception>();
        await using var events = cluster.Client.WatchWidgets(null, new ListWatchQuery { ResourceVersion = list.ResourceVersion }, errors.Add, _ct).GetAsyncEnumerator(_ct);
        var first = NextAsync(events);
        await TestTimeout.WaitUntilAsync(() => cluster.Server.Store.OpenWatches == 1, "the watch to open");
        await cluster.Client.CreateWidgetAsync(Widget.Create("default", "w1", "red"), _ct);
        Assert.Equal(WatchEventType.Added, (await first).Type);

        cluster.Server.Store.ExpireWatches();
        Assert.False(await events.MoveNextAsync());
        var status = Assert.IsType<k8s.KubernetesException>(Assert.Single(errors)).Status;
        Assert.Equal(410, status.Code);
        Assert.Equal("Expired", status.Reason);
    }

    [Fact]
    public async Task Watch_FromACompactedVersion_Is410Expired()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var list = await cluster.Client.ListWidgetsAsync(null, null, _ct);
        await cluster.Client.CreateWidgetAsync(Widget.Create("default", "w1", "red"), _ct);
        cluster.Server.Store.Compact();

        // Kubernetes answers 200 and then an ERROR event; either way the caller learns of a 410.
        var errors = new List<Exception>();
        try
        {
            await foreach (var unused in cluster.Client.WatchWidgets(null, new ListWatchQuery { ResourceVersion = list.ResourceVersion }, errors.Add, _ct))
            {
                Assert.Fail("no event was expected");
            }
        }
        catch (Mesh.Kubernetes.Client.KubernetesException e)
        {
            Assert.True(e.IsResourceExpired);
            return;
        }

        Assert.Equal(410, Assert.IsType<k8s.KubernetesException>(Assert.Single(errors)).Status.Code);
    }

    [Fact]
    public async Task List_WithAnExpiredContinueToken_Is410Expired()
    {
        await using var cluster = await FakeCluster.StartAsync();
        cluster.Server.InjectFailures(1, 410);

        var error = await Assert.ThrowsAsync<Mesh.Kubernetes.Client.KubernetesException>(() => cluster.Client.ListWidgetsAsync(null, new ListWatchQuery { Continue = "x" }, _ct));

        Assert.True(error.IsResourceExpired);
    }

    [Fact]
    public async Task Watch_AMalformedEvent_IsReportedToOnError()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var errors = new List<Exception>();
        await using var events = cluster.Client.WatchWidgets(null, null, errors.Add, _ct).GetAsyncEnumerator(_ct);
        var next = events.MoveNextAsync().AsTask();
        await TestTimeout.WaitUntilAsync(() => cluster.Server.Store.OpenWatches == 1, "the watch to open");
        cluster.Server.Store.FailWatchesWith("""{"type":"ADDED","object":""");

        // The library reads a first line as the response body: unreadable there, it fails the call; later, onError hears of it.
        await Assert.ThrowsAsync<InvalidDataException>(() => next);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Watch_WhoseConnectionDrops_FailsRatherThanEndingQuietly()
    {
        await using var cluster = await FakeCluster.StartAsync();
        await using var events = cluster.Client.WatchWidgets(null, null, null, _ct).GetAsyncEnumerator(_ct);
        var next = events.MoveNextAsync().AsTask();
        await TestTimeout.WaitUntilAsync(() => cluster.Server.Store.OpenWatches == 1, "the watch to open");

        cluster.Server.Store.AbortWatches();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => next);
        Assert.True(error is IOException || error.InnerException is IOException, error.ToString());
    }

    [Fact]
    public async Task Watch_OutlivesTheRequestTimeout_WhichBoundsOnlyItsHeaders()
    {
        await using var cluster = await FakeCluster.StartAsync(new KubernetesClientOptions { RequestTimeout = TimeSpan.FromMilliseconds(300) });
        await using var events = cluster.Client.WatchWidgets(null, null, null, _ct).GetAsyncEnumerator(_ct);
        var next = events.MoveNextAsync().AsTask();
        await TestTimeout.WaitUntilAsync(() => cluster.Server.Store.OpenWatches == 1, "the watch to open");

        // Well past the request timeout: a watch that timed out would fail here instead of delivering the event.
        await Task.Delay(TimeSpan.FromSeconds(1), _ct);
        await cluster.Client.CreateWidgetAsync(Widget.Create("default", "w1", "red"), _ct);
        Assert.True(await next);
        Assert.Equal("w1", events.Current.Object.Metadata.Name);
    }

    [Fact]
    public async Task Watch_Cancelled_StopsTheEnumeration()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(_ct);
        await using var events = cluster.Client.WatchWidgets(null, null, null, cts.Token).GetAsyncEnumerator(cts.Token);
        var next = events.MoveNextAsync().AsTask();
        await TestTimeout.WaitUntilAsync(() => cluster.Server.Store.OpenWatches == 1, "the watch to open");
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
    }

    private static async Task<(WatchEventType Type, Widget Object)> NextAsync(IAsyncEnumerator<(WatchEventType Type, Widget Object)> events)
    {
        Assert.True(await events.MoveNextAsync(), "the watch ended early");
        return events.Current;
    }
}
