using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Informers;
using Mesh.Kubernetes.Tests.Fixtures;
using Mesh.Operator.Compiler;
using Mesh.Operator.Resources;
using Mesh.Operator.Sources;
using Mesh.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.Tests.Sources;

public sealed class KubeSourceTests : IAsyncLifetime
{
    private FakeKube _kube = null!;
    private IKubernetesClient _client = null!;
    private KubeSource _source = null!;

    public async Task InitializeAsync()
    {
        _kube = await FakeKube.StartAsync();
        _client = NewClient(_kube.Server.Url);
        _source = NewSource(_client);
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        _client.Dispose();
        await _kube.DisposeAsync();
    }

    [Fact]
    public async Task Syncs_AndCurrentHoldsExactlyTheServersObjects()
    {
        _kube.SeedOneOfEach();

        await _source.StartAsync(CancellationToken.None).WithTimeout("the first sync");

        Assert.True(_source.HasSynced);
        var snapshot = _source.Current;
        foreach (var type in FakeKube.Types.Where(t => t.Kind != "Lease"))
        {
            Assert.Equal(
                _kube.Server.Store.Versions(type).OrderBy(v => v.Key),
                Versions(snapshot, type.Kind).OrderBy(v => v.Key));
        }

        var virtualService = Assert.Single(snapshot.VirtualServices);
        Assert.Equal(["reviews"], virtualService.Spec.Hosts);
        Assert.Equal("reviews", Assert.Single(Assert.Single(virtualService.Spec.Http!).Route!).Destination!.Host);
        Assert.Equal("192.168.1.10", Assert.Single(snapshot.WorkloadEntries).Spec.Address);
        Assert.Equal("10.0.0.7", Assert.Single(Assert.Single(snapshot.EndpointSlices).Endpoints!).Addresses![0]);
    }

    [Fact]
    public async Task AChangeOnTheServer_ReachesCurrent_AndRaisesChanged()
    {
        _kube.SeedOneOfEach();
        await _source.StartAsync(CancellationToken.None).WithTimeout("the first sync");
        var before = _source.Current;
        var changes = 0;
        _source.Changed += () => Interlocked.Increment(ref changes);

        _kube.Create(FakeKube.VirtualServices, FakeKube.VirtualService("ratings", """["ratings"]""", host: "ratings"));

        await Eventually.AssertAsync(
            () => _source.Current.VirtualServices.Any(v => v.Metadata.Name == "ratings") && Volatile.Read(ref changes) > 0,
            "the new VirtualService is in Current and Changed was raised");
        Assert.DoesNotContain(before.VirtualServices, v => v.Metadata.Name == "ratings");

        _kube.Server.Store.Delete(ResourceType.Pod, "default", "reviews-1", precondition: null);
        await Eventually.AssertAsync(() => _source.Current.Pods.IsEmpty, "the deleted pod leaves Current");
    }

    [Fact]
    public async Task AStatusWrite_DoesNotRaiseChanged_ButTheNextSpecChangeDoes()
    {
        _kube.SeedOneOfEach();
        await _source.StartAsync(CancellationToken.None).WithTimeout("the first sync");
        var changes = 0;
        _source.Changed += () => Interlocked.Increment(ref changes);
        var store = _kube.Server.Store;
        var name = Assert.Single(_source.Current.VirtualServices).Metadata.Name!;

        // The status write first, then a spec change: the watch delivers them in that order, so once the spec change
        // has arrived the status write has been seen too, and exactly one Changed means it was the spec change's.
        store.Patch(FakeKube.VirtualServices, "default", name, existing =>
        {
            var next = (JsonObject)existing!.DeepClone();
            next["status"] = JsonNode.Parse("""{"conditions":[{"type":"Accepted","status":"True"}]}""");
            return next;
        }, status: true, createIfMissing: false);
        await Eventually.AssertAsync(
            () => _source.TryGetStatus(new(nameof(VirtualService), "default", name), out var cached) && cached.Conditions.Count == 1,
            "the status write reached the informer's cache");
        store.Patch(FakeKube.VirtualServices, "default", name, existing =>
        {
            var next = (JsonObject)existing!.DeepClone();
            next["spec"]!["hosts"] = JsonNode.Parse("""["reviews", "reviews.example.com"]""");
            return next;
        }, status: false, createIfMissing: false);

        await Eventually.AssertAsync(
            () => Assert.Single(_source.Current.VirtualServices).Spec.Hosts!.Count == 2,
            "the spec change reached Current");
        Assert.Equal(1, Volatile.Read(ref changes));
    }

    [Fact]
    public async Task AnUnreachableServer_IsRetried_WithoutThrowing_AndLeavesHasSyncedFalse()
    {
        // Accepts connections and closes them at once: every list fails at the transport.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var attempts = 0;
        using var stop = new CancellationTokenSource();
        var acceptLoop = Task.Run(async () =>
        {
            while (true)
            {
                using var socket = await listener.AcceptSocketAsync(stop.Token);
                Interlocked.Increment(ref attempts);
            }
        });
        using var client = NewClient(new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}"));
        await using var source = NewSource(client);

        var start = source.StartAsync(stop.Token);

        // Eight informers each retrying: many more connections than informers means they retried.
        await Eventually.AssertAsync(() => Volatile.Read(ref attempts) >= 24, "the informers retry the unreachable server");
        Assert.False(start.IsCompleted);
        Assert.False(source.HasSynced);
        Assert.Same(MeshSnapshot.Empty, source.Current);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => start);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => acceptLoop);
    }

    [Fact]
    public async Task AServerFailingAtFirst_IsSyncedOnceItAnswers()
    {
        _kube.SeedOneOfEach();
        _kube.Server.InjectFailures(3, 503, match: r => r.Method == "GET" && !r.IsWatch && r.Path.EndsWith("/virtualservices", StringComparison.Ordinal));

        await _source.StartAsync(CancellationToken.None).WithTimeout("the sync after the failures");

        Assert.True(_source.HasSynced);
        Assert.Single(_source.Current.VirtualServices);
        Assert.True(_kube.Server.Requests.Count(r => !r.IsWatch && r.Path.EndsWith("/virtualservices", StringComparison.Ordinal)) >= 4);
    }

    private static IKubernetesClient NewClient(Uri server) => KubernetesClientFactory.Create(
        new k8s.KubernetesClientConfiguration { Host = server.ToString(), Namespace = "default" },
        new KubernetesClientOptions { MaxRetries = 0 });

    internal static KubeSource NewSource(IKubernetesClient client) => new(
        client,
        Options.Create(new KubeSourceOptions { Informer = new InformerOptions { InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(200) } }),
        TimeProvider.System,
        NullLoggerFactory.Instance);

    private static IEnumerable<KeyValuePair<string, string>> Versions(MeshSnapshot snapshot, string kind) =>
        snapshot.All().Where(o => o.Kind == kind).Select(o => KeyValuePair.Create(CacheKey.Of(o), o.Metadata.ResourceVersion!));
}
