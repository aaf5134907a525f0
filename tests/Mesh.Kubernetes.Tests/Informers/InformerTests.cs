using System.Globalization;
using Mesh.Kubernetes.Informers;
using Mesh.Kubernetes.Tests.Fixtures;
using Mesh.Testing;

namespace Mesh.Kubernetes.Tests.Informers;

public sealed class InformerTests
{
    [Fact]
    public async Task FirstList_AtResourceVersionZero_InPages_FillsTheCacheAndSyncs()
    {
        await using var harness = await InformerHarness.StartAsync(new InformerOptions { PageSize = 3 });
        for (var i = 0; i < 7; i++)
        {
            await harness.CreateAsync(i % 2 == 0 ? "a" : "b", $"w{i}");
        }

        Assert.False(harness.Informer.HasSynced);
        await harness.RunAndSyncAsync();

        Assert.True(harness.Informer.HasSynced);
        Assert.Equal(7, harness.Informer.Snapshot.Count);
        Assert.Equal("w2", harness.Informer.Get("a", "w2")!.Metadata.Name);
        Assert.Null(harness.Informer.Get("b", "w2"));
        Assert.Equal(["a/w0", "a/w2", "a/w4", "a/w6"], harness.Informer.InNamespace("a").Keys.Order(StringComparer.Ordinal));
        Assert.Equal(3, harness.Informer.InNamespace("b").Count);
        var lists = harness.Cluster.Server.Requests.Where(r => r.Method == "GET" && !r.IsWatch).ToList();
        Assert.Equal(3, lists.Count);
        Assert.Equal("?limit=3&resourceVersion=0", lists[0].Query);
        var watch = await FirstWatchAsync(harness);
        Assert.Contains($"resourceVersion={harness.Store.ResourceVersion}", watch.Query, StringComparison.Ordinal);
        Assert.Contains("allowWatchBookmarks=true", watch.Query, StringComparison.Ordinal);
        var timeout = int.Parse(watch.Query.Split("timeoutSeconds=")[1].Split('&')[0], CultureInfo.InvariantCulture);
        Assert.InRange(timeout, 300, 600);
        await harness.WaitForConvergenceAsync();
    }

    [Fact]
    public async Task WatchedChanges_ReachTheCacheAndTheHandlers()
    {
        await using var harness = await InformerHarness.StartAsync();
        await harness.CreateAsync("a", "keep");
        await harness.RunAndSyncAsync();

        await harness.CreateAsync("a", "w1");
        await harness.RecolorAsync("a", "keep", "blue");
        await harness.CreateAsync("b", "w2");
        await harness.DeleteAsync("b", "w2");

        await harness.WaitForConvergenceAsync();
        Assert.Equal("blue", harness.Informer.Get("a", "keep")!.Spec!.Color);
        Assert.Empty(harness.Informer.InNamespace("b"));
        Assert.Equal("blue", harness.Informer.InNamespace("a")["a/keep"].Spec!.Color);
        Assert.Empty(harness.Handler.Tombstones);
        Assert.Equal(1, harness.Informer.Lists);
    }

    [Fact]
    public async Task Bookmarks_AdvanceTheResourceVersionTheNextWatchStartsFrom()
    {
        await using var harness = await InformerHarness.StartAsync();
        await harness.RunAndSyncAsync();
        await FirstWatchAsync(harness);

        // A change of another type moves the global resourceVersion; only a bookmark tells the Widget watch.
        harness.Store.Create(ResourceType.Lease, "a", System.Text.Json.Nodes.JsonNode.Parse("""{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"l","namespace":"a"}}""")!.AsObject());
        var bookmarked = harness.Store.ResourceVersion.ToString(CultureInfo.InvariantCulture);
        harness.Store.SendBookmarks();
        await WaitForReWatchFromAsync(harness, bookmarked);

        await harness.WaitForConvergenceAsync();
        Assert.Equal(1, harness.Informer.Lists);
        Assert.Empty(harness.Informer.Snapshot);
    }

    [Fact]
    public async Task ExpiredMidStream_Relists_AndConverges()
    {
        await using var harness = await InformerHarness.StartAsync();
        await harness.CreateAsync("a", "w1");
        await harness.RunAndSyncAsync();
        await FirstWatchAsync(harness);

        harness.Store.ExpireWatches();
        await harness.CreateAsync("a", "w2");
        await harness.RecolorAsync("a", "w1", "green");

        await harness.WaitForConvergenceAsync();
        await TestTimeout.WaitUntilAsync(() => harness.Informer.Lists >= 2, "a relist after the 410");
        Assert.True(harness.Informer.WatchErrors >= 1);
    }

    [Fact]
    public async Task A_relist_keeps_the_cached_instance_of_an_object_whose_resource_version_did_not_change()
    {
        await using var harness = await InformerHarness.StartAsync();
        await harness.CreateAsync("a", "same");
        await harness.CreateAsync("a", "recolored");
        await harness.RunAndSyncAsync();
        await FirstWatchAsync(harness);
        var same = harness.Informer.Get("a", "same");
        var recolored = harness.Informer.Get("a", "recolored");

        harness.Store.ExpireWatches();
        await harness.RecolorAsync("a", "recolored", "green");
        await harness.WaitForConvergenceAsync();
        await TestTimeout.WaitUntilAsync(() => harness.Informer.Lists >= 2, "a relist after the 410");

        Assert.Same(same, harness.Informer.Get("a", "same"));
        Assert.NotSame(recolored, harness.Informer.Get("a", "recolored"));
        Assert.Equal("green", harness.Informer.Get("a", "recolored")!.Spec!.Color);
    }

    [Fact]
    public async Task DeletesDuringADisconnect_WithHistoryCompacted_AreTombstonesAfterTheRelist_AndAnExpiredListFallsBackToLatest()
    {
        await using var harness = await InformerHarness.StartAsync();
        await harness.CreateAsync("a", "gone");
        await harness.CreateAsync("a", "changed");
        await harness.CreateAsync("a", "kept");
        await harness.RunAndSyncAsync();
        await FirstWatchAsync(harness);
        var seen = harness.Store.ResourceVersion.ToString(CultureInfo.InvariantCulture);

        var disconnected = true;
        harness.Cluster.Server.InjectFailures(int.MaxValue, 500, match: r => r.IsWatch && Volatile.Read(ref disconnected));
        harness.Store.AbortWatches();
        await TestTimeout.WaitUntilAsync(() => harness.Informer.WatchErrors >= 2, "the informer to hit the failing watches");
        await harness.DeleteAsync("a", "gone");
        await harness.RecolorAsync("a", "changed", "blue");
        await harness.CreateAsync("a", "new");
        harness.Store.Compact();
        Volatile.Write(ref disconnected, false);

        await harness.WaitForConvergenceAsync();
        Assert.Equal(["a/gone"], harness.Handler.Tombstones);
        var lists = harness.Cluster.Server.Requests.Where(r => r.Method == "GET" && !r.IsWatch).Select(r => r.Query).ToList();
        Assert.Contains($"?limit=500&resourceVersion={seen}", lists);
        Assert.Equal("?limit=500&resourceVersion=", lists[^1]);
    }

    [Theory]
    [InlineData("""{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","message":"internal error","reason":"InternalError","code":500}}""")]
    [InlineData("""{"type":"ADDED","object":{"metadata":""")]
    [InlineData("""{"type":"SURPRISE","object":{}}""")]
    public async Task AnErrorEventOrABrokenStream_IsCounted_AndTheInformerRecovers(string line)
    {
        await using var harness = await InformerHarness.StartAsync();
        await harness.CreateAsync("a", "w1");
        await harness.RunAndSyncAsync();
        await FirstWatchAsync(harness);

        harness.Store.FailWatchesWith(line);
        await harness.RecolorAsync("a", "w1", "blue");
        await harness.CreateAsync("a", "w2");

        await harness.WaitForConvergenceAsync();
        Assert.True(harness.Informer.WatchErrors >= 1);
    }

    [Fact]
    public async Task AContinueTokenExpiredMidList_RestartsTheListFromTheLatestVersion()
    {
        await using var harness = await InformerHarness.StartAsync(new InformerOptions { PageSize = 2 });
        for (var i = 0; i < 5; i++)
        {
            await harness.CreateAsync("a", $"w{i}");
        }

        harness.Cluster.Server.InjectFailures(1, 410, match: r => r.Query.Contains("continue=", StringComparison.Ordinal));
        await harness.RunAndSyncAsync();

        await harness.WaitForConvergenceAsync();
        var lists = harness.Cluster.Server.Requests.Where(r => r.Method == "GET" && !r.IsWatch).Select(r => r.Query).ToList();
        Assert.Equal("?limit=2&resourceVersion=0", lists[0]);
        Assert.Equal("?limit=2&resourceVersion=", lists[2]);
        Assert.Equal(1, harness.Informer.Lists);
    }

    [Fact]
    public async Task DeletesDuringADisconnect_WithHistoryKept_AreReplayedAsDeletions()
    {
        await using var harness = await InformerHarness.StartAsync();
        await harness.CreateAsync("a", "w1");
        await harness.CreateAsync("a", "w2");
        await harness.RunAndSyncAsync();
        await FirstWatchAsync(harness);

        var disconnected = true;
        harness.Cluster.Server.InjectFailures(int.MaxValue, 503, match: r => r.IsWatch && Volatile.Read(ref disconnected));
        harness.Store.AbortWatches();
        await harness.DeleteAsync("a", "w1");
        await harness.RecolorAsync("a", "w2", "blue");
        Volatile.Write(ref disconnected, false);

        await harness.WaitForConvergenceAsync();
        Assert.Empty(harness.Handler.Tombstones);
        Assert.Equal(1, harness.Informer.Lists);
    }

    [Fact]
    public async Task ClosedWatches_AreResumedFromTheLastVersionWithoutRelisting()
    {
        await using var harness = await InformerHarness.StartAsync();
        await harness.RunAndSyncAsync();
        for (var i = 0; i < 5; i++)
        {
            await harness.CreateAsync("a", $"w{i}");
            harness.Store.CloseWatches();
            await harness.RecolorAsync("a", $"w{i}", "blue");
        }

        await harness.WaitForConvergenceAsync();
        Assert.Equal(1, harness.Informer.Lists);
        Assert.True(harness.Cluster.Server.Requests.Count(r => r.IsWatch) >= 2);
    }

    [Fact]
    public async Task ServerErrors_OnListAndWatch_AreRetriedWithBackoff()
    {
        await using var harness = await InformerHarness.StartAsync();
        await harness.CreateAsync("a", "w1");
        harness.Cluster.Server.InjectFailures(6, 500, match: r => r.Method == "GET");
        await harness.RunAndSyncAsync();
        await harness.CreateAsync("a", "w2");

        await harness.WaitForConvergenceAsync();
        Assert.True(harness.Informer.WatchErrors >= 1);
    }

    [Fact]
    public async Task TooManyRequests_OnListAndWatch_AreRetried()
    {
        await using var harness = await InformerHarness.StartAsync();
        await harness.CreateAsync("a", "w1");
        harness.Cluster.Server.InjectFailures(5, 429, retryAfterSeconds: 1, match: r => r.Method == "GET" && !r.IsWatch);
        harness.Cluster.Server.InjectFailures(5, 429, retryAfterSeconds: 1, match: r => r.IsWatch);
        await harness.RunAndSyncAsync();
        await harness.CreateAsync("a", "w2");

        await harness.WaitForConvergenceAsync();
        // 10 throttled requests, then at least one successful list and one watch.
        Assert.True(harness.Cluster.Server.Requests.Count(r => r.Method == "GET") >= 12);
    }

    [Fact]
    public async Task Resync_ReplaysTheCacheAsUpdatesEveryPeriod()
    {
        var clock = new ManualTimeProvider();
        await using var harness = await InformerHarness.StartAsync(new InformerOptions { ResyncPeriod = TimeSpan.FromMinutes(1) }, clock);
        await harness.CreateAsync("a", "w1");
        await harness.CreateAsync("a", "w2");
        await harness.RunAndSyncAsync();

        await clock.WaitForTimersAsync(1);
        clock.Advance(TimeSpan.FromMinutes(1));
        await TestTimeout.WaitUntilAsync(() => harness.Handler.Resyncs == 2, "one resync of both objects");
        Assert.Equal(0, harness.Handler.Updates);
    }

    [Fact]
    public async Task AHandlerAddedLate_GetsTheCachedObjects_AndAFailingHandlerDoesNotStopOthers()
    {
        await using var harness = await InformerHarness.StartAsync();
        await harness.CreateAsync("a", "w1");
        await harness.RunAndSyncAsync();

        var late = new List<string>();
        using var registration = harness.Informer.AddHandler(new ResourceEventHandler<Widget>
        {
            Added = w => late.Add(w.Metadata.Name!),
            Updated = (_, _) => throw new InvalidOperationException("handler bug"),
        });
        Assert.Equal(["w1"], late);

        await harness.RecolorAsync("a", "w1", "blue");
        await harness.CreateAsync("a", "w2");
        await harness.WaitForConvergenceAsync();
        Assert.Equal(["w1", "w2"], late);
    }

    [Fact]
    public async Task MixedFaults_RandomChangesUnderEveryDisruption_EndEqualToTheServer()
    {
        // 200 random operations over 20 names, with a disruption every 10: closed, expired, compacted, 500s, 429s, bookmarks.
        var random = new Random(4242);
        await using var harness = await InformerHarness.StartAsync(new InformerOptions { PageSize = 4 });
        await harness.RunAndSyncAsync();
        var live = new HashSet<string>();
        for (var step = 0; step < 200; step++)
        {
            var name = $"w{random.Next(20)}";
            if (!live.Contains(name))
            {
                await harness.CreateAsync("a", name);
                live.Add(name);
            }
            else if (random.Next(3) == 0)
            {
                await harness.DeleteAsync("a", name);
                live.Remove(name);
            }
            else
            {
                await harness.RecolorAsync("a", name, $"c{step}");
            }

            if (step % 10 == 9)
            {
                switch (random.Next(6))
                {
                    case 0: harness.Store.AbortWatches(); break;
                    case 1: harness.Store.ExpireWatches(); break;
                    case 2: harness.Store.Compact(); harness.Store.CloseWatches(); break;
                    case 3: harness.Cluster.Server.InjectFailures(3, 500, match: r => r.Method == "GET"); harness.Store.CloseWatches(); break;
                    case 4: harness.Cluster.Server.InjectFailures(3, 429, retryAfterSeconds: 1, match: r => r.Method == "GET"); harness.Store.CloseWatches(); break;
                    default: harness.Store.SendBookmarks(); break;
                }
            }
        }

        await harness.WaitForConvergenceAsync();
        Assert.Equal(live.Count, harness.Informer.Snapshot.Count);
    }

    private static async Task<FakeRequest> FirstWatchAsync(InformerHarness harness)
    {
        await TestTimeout.WaitUntilAsync(() => harness.Store.OpenWatches == 1, "the informer's watch to open");
        return harness.Cluster.Server.Requests.First(r => r.IsWatch);
    }

    private static async Task WaitForReWatchFromAsync(InformerHarness harness, string resourceVersion)
    {
        await TestTimeout.WaitUntilAsync(
            () =>
            {
                harness.Store.CloseWatches();
                return harness.Cluster.Server.Requests.Any(r => r.IsWatch && r.Query.Contains($"resourceVersion={resourceVersion}&", StringComparison.Ordinal));
            },
            $"a re-watch from the bookmark's resourceVersion {resourceVersion}");
    }
}
