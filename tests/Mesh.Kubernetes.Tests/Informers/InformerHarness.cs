using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Informers;
using Mesh.Kubernetes.Tests.Fixtures;

namespace Mesh.Kubernetes.Tests.Informers;

/// <summary>A fake cluster, an informer of its Widgets running in the background, and a recording handler.</summary>
internal sealed class InformerHarness : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    private InformerHarness(FakeCluster cluster, Informer<Widget> informer)
    {
        Cluster = cluster;
        Informer = informer;
        informer.AddHandler(Handler);
    }

    public FakeCluster Cluster { get; }

    public Informer<Widget> Informer { get; }

    public RecordingHandler Handler { get; } = new();

    public FakeApiStore Store => Cluster.Server.Store;

    /// <summary>Backoffs are short so that recovery is quick; the behaviour under test does not depend on them.</summary>
    public static async Task<InformerHarness> StartAsync(InformerOptions? options = null, TimeProvider? informerTime = null)
    {
        var cluster = await FakeCluster.StartAsync(new KubernetesClientOptions
        {
            DefaultRetryDelay = TimeSpan.FromMilliseconds(5),
            MaxRetryDelay = TimeSpan.FromMilliseconds(20),
        });
        options ??= new InformerOptions();
        options.InitialBackoff = TimeSpan.FromMilliseconds(5);
        options.MaxBackoff = TimeSpan.FromMilliseconds(50);
        var informer = (Informer<Widget>)InformerFactory.Create(ListWatchers.CustomObjects<Widget>(cluster.Client.Api), options, informerTime);
        return new InformerHarness(cluster, informer);
    }

    public void Run() => _run = Informer.RunAsync(_stop.Token);

    public async Task RunAndSyncAsync()
    {
        Run();
        await Informer.WaitForSyncAsync(TestTimeout.Token());
    }

    public Task<Widget> CreateAsync(string ns, string name, string color = "red")
        => Cluster.Client.CreateWidgetAsync(Widget.Create(ns, name, color), TestTimeout.Token());

    public Task<Widget> RecolorAsync(string ns, string name, string color)
        => Cluster.Client.PatchWidgetAsync(ns, name, WidgetApi.Merge($$$"""{"spec":{"color":"{{{color}}}"}}"""), TestTimeout.Token());

    public Task DeleteAsync(string ns, string name)
        => Cluster.Client.DeleteWidgetAsync(ns, name, null, TestTimeout.Token());

    /// <summary>
    /// Waits until the informer's cache and the handler's event-built view both equal the server's objects
    /// (same keys, same resourceVersions): no lost update, no ghost.
    /// </summary>
    public async Task WaitForConvergenceAsync()
    {
        Dictionary<string, string> server = [];
        Dictionary<string, string> cache = [];
        Dictionary<string, string> events = [];
        var giveUp = DateTime.UtcNow + TestTimeout.Default;
        while (true)
        {
            server = Store.Versions(Widget.Type);
            cache = Informer.Snapshot.ToDictionary(p => p.Key, p => p.Value.Metadata.ResourceVersion!);
            events = Handler.View;
            if (Same(server, cache) && Same(server, events))
            {
                Assert.Empty(Handler.Violations);
                AssertNamespaceIndexMatches();
                return;
            }

            if (DateTime.UtcNow > giveUp)
            {
                Assert.Fail($"The informer did not converge.\nserver: {Show(server)}\ncache:  {Show(cache)}\nevents: {Show(events)}");
            }

            await Task.Delay(10);
        }
    }

    /// <summary>The namespace index holds exactly the cached objects, each under its own namespace.</summary>
    public void AssertNamespaceIndexMatches()
    {
        var snapshot = Informer.Snapshot;
        foreach (var ns in snapshot.Values.Select(w => w.Metadata.NamespaceProperty!).Distinct())
        {
            var expected = snapshot.Where(p => p.Value.Metadata.NamespaceProperty == ns).Select(p => p.Key).Order(StringComparer.Ordinal);
            Assert.Equal(expected, Informer.InNamespace(ns).Keys.Order(StringComparer.Ordinal));
        }

        Assert.Empty(Informer.InNamespace("no-such-namespace"));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _run.WaitAsync(TestTimeout.Default);
        await Cluster.DisposeAsync();
        _stop.Dispose();
    }

    private static bool Same(Dictionary<string, string> a, Dictionary<string, string> b)
        => a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);

    private static string Show(Dictionary<string, string> d) => string.Join(", ", d.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}@{p.Value}"));
}
