using System.Text.Json.Nodes;
using k8s.Models;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.LeaderElection;
using Mesh.Kubernetes.Tests.Fixtures;

namespace Mesh.Kubernetes.Tests.LeaderElection;

/// <summary>
/// Candidates against the fake API server on real time: KubernetesClient's elector reads the system clock. The
/// lease lasts 4 s, renewals come every 200 ms and a leader gives up after 3 s without one, so each test runs in
/// seconds; every wait is on a condition with a deadline. Each candidate's client sends its identity as its bearer
/// token, so faults can be aimed at one candidate.
/// </summary>
public sealed class LeaderElectorTests : IAsyncLifetime
{
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromSeconds(4);
    private readonly List<Candidate> _candidates = [];
    private FakeCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await FakeCluster.StartAsync();

    public async Task DisposeAsync()
    {
        foreach (var candidate in _candidates)
        {
            await candidate.StopAsync();
        }

        await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task OneOfTwoCandidates_Leads_AndKeepsLeadingWhileItRenews()
    {
        var a = Start("a");
        var b = Start("b");
        await TestTimeout.WaitUntilAsync(() => a.Elector.IsLeader || b.Elector.IsLeader, "one candidate leads");
        var (leader, other) = a.Elector.IsLeader ? (a, b) : (b, a);
        var acquired = Lease().Spec!.AcquireTime!.Value;

        // Until the leader has renewed across two lease durations, it leads alone and the other never starts.
        await TestTimeout.WaitUntilAsync(
            () =>
            {
                Assert.True(leader.Elector.IsLeader && !other.Elector.IsLeader, "exactly the first leader leads");
                var spec = Lease().Spec!;
                Assert.Equal(leader.Elector.Identity, spec.HolderIdentity);
                return spec.RenewTime!.Value - acquired > 2 * LeaseDuration;
            },
            "the leader renews for two lease durations");

        var lease = Lease().Spec!;
        Assert.Equal(4, lease.LeaseDurationSeconds);
        Assert.Equal(0, lease.LeaseTransitions);
        Assert.Equal((1, 0), (leader.Started, leader.Stopped));
        Assert.Equal(0, other.Started);
    }

    [Fact]
    public async Task ALeaderThatCannotRenew_StopsLeadingBeforeTheOtherTakesOver_WhichWaitsOutTheLease()
    {
        var a = Start("a", release: false);
        await TestTimeout.WaitUntilAsync(() => a.Elector.IsLeader, "a leads");
        var b = Start("b");
        await TestTimeout.WaitUntilAsync(() => _cluster.Server.Requests.Count(r => r.Authorization == "Bearer b") >= 3, "b campaigns");

        _cluster.Server.InjectFailures(int.MaxValue, 403, match: r => r.Authorization == "Bearer a");
        await TestTimeout.WaitUntilAsync(() => b.Elector.IsLeader, "b leads once a's lease expired");

        Assert.True(a.LeadingToken.IsCancellationRequested, "a's leadership token is cancelled");
        Assert.False(a.Elector.IsLeader);
        var aLost = a.StoppedLease!.Spec!;
        Assert.Equal("a", aLost.HolderIdentity);
        Assert.True(b.StartedAt >= aLost.RenewTime!.Value + LeaseDuration, $"b led at {b.StartedAt:O}, before a's lease renewed at {aLost.RenewTime:O} expired");
        var lease = Lease().Spec!;
        Assert.Equal("b", lease.HolderIdentity);
        Assert.Equal(1, lease.LeaseTransitions);
        Assert.Equal((1, 1, 0), (a.Started, a.Stopped, b.Stopped));
    }

    [Fact]
    public async Task AConflictOnUpdate_IsNotLeadership()
    {
        SeedLease("""{"holderIdentity":"gone","leaseDurationSeconds":1,"acquireTime":"2020-01-01T00:00:00.000000Z","renewTime":"2020-01-01T00:00:00.000000Z"}""");
        _cluster.Server.InjectFailures(3, 409, match: r => r.Method == "PUT");
        var b = Start("b");

        await TestTimeout.WaitUntilAsync(() => PutsBy("b") >= 3, "b tried three times to take the expired lease");
        Assert.False(b.Elector.IsLeader);
        Assert.Equal(0, b.Started);
        Assert.Equal("gone", Lease().Spec!.HolderIdentity);

        await TestTimeout.WaitUntilAsync(() => b.Elector.IsLeader, "b leads once its update is accepted");
        Assert.Equal("b", Lease().Spec!.HolderIdentity);
    }

    [Fact]
    public async Task AConflictOnCreate_IsNotLeadership()
    {
        _cluster.Server.InjectFailures(3, 409, match: r => r.Method == "POST");
        var b = Start("b");

        await TestTimeout.WaitUntilAsync(() => _cluster.Server.Requests.Count(r => r.Method == "POST") >= 3, "b tried three times to create the lease");
        Assert.False(b.Elector.IsLeader);
        Assert.Equal(0, b.Started);

        await TestTimeout.WaitUntilAsync(() => b.Elector.IsLeader, "b leads once its create is accepted");
    }

    [Theory]
    [InlineData("""{"spec":{"leaseDurationSeconds":15,"leaseTransitions":3,"acquireTime":"2026-01-01T00:00:00.000000Z","renewTime":"2026-01-01T00:00:00.000000Z"}}""")]
    [InlineData("""{"spec":{"holderIdentity":"","leaseDurationSeconds":1}}""")]
    [InlineData("""{"spec":{}}""")]
    [InlineData("""{}""")]
    public async Task ALeaseThatNamesNoHolder_IsTakenAtOnce(string lease)
    {
        _cluster.Server.Store.Create(ResourceType.Lease, "mesh-system", Lease(lease));
        var b = Start("b");

        await TestTimeout.WaitUntilAsync(() => b.Elector.IsLeader, "b takes the free lease");
        Assert.Equal("b", Lease().Spec!.HolderIdentity);
    }

    [Fact]
    public async Task WhenTheLeaderStops_ItReleases_AndTheOtherLeadsWithoutWaitingOutTheLease()
    {
        // A lease longer than the wait: only the release lets b lead in time.
        var a = Start("a", leaseDuration: TimeSpan.FromSeconds(300));
        await TestTimeout.WaitUntilAsync(() => a.Elector.IsLeader, "a leads");
        var b = Start("b", leaseDuration: TimeSpan.FromSeconds(300));
        await TestTimeout.WaitUntilAsync(() => _cluster.Server.Requests.Count(r => r.Authorization == "Bearer b") >= 3, "b campaigns");

        await a.StopAsync();
        Assert.True(a.LeadingToken.IsCancellationRequested);
        Assert.Equal((1, 1), (a.Started, a.Stopped));

        await TestTimeout.WaitUntilAsync(() => b.Elector.IsLeader, "b leads after a released the lease");
        var lease = Lease().Spec!;
        Assert.Equal("b", lease.HolderIdentity);
        Assert.Equal(1, lease.LeaseTransitions);
    }

    [Fact]
    public async Task RenewingAndReleasing_KeepTheLeasesLabelsAndAnnotations()
    {
        _cluster.Server.Store.Create(ResourceType.Lease, "mesh-system", Lease("""{"metadata":{"labels":{"team":"mesh"},"annotations":{"note":"kept"}}}"""));
        var a = Start("a");
        await TestTimeout.WaitUntilAsync(() => a.Elector.IsLeader && PutsBy("a") >= 5, "a leads and renews");
        await a.StopAsync();

        var stored = _cluster.Server.Store.Get(ResourceType.Lease, "mesh-system", "mesh-operator");
        Assert.Equal("mesh", stored["metadata"]!["labels"]!["team"]!.GetValue<string>());
        Assert.Equal("kept", stored["metadata"]!["annotations"]!["note"]!.GetValue<string>());
        Assert.Equal("", stored["spec"]!["holderIdentity"]!.GetValue<string>());
    }

    [Fact]
    public async Task DroppedConnectionsWhileCampaigning_DoNotEndTheRun()
    {
        _cluster.Server.InjectFailures(3, 0, match: r => r.Path.Contains("/leases", StringComparison.Ordinal));
        var a = Start("a");

        await TestTimeout.WaitUntilAsync(() => a.Elector.IsLeader, "a leads once the API server answers");
        Assert.True(a.Running);
        Assert.True(_cluster.Server.Requests.Count(r => r.Authorization == "Bearer a") > 3, "the dropped requests were made");
    }

    [Theory]
    [InlineData(15, 20, 2)]
    [InlineData(15, 10, 10)]
    [InlineData(15, 2.3, 2)]
    [InlineData(15.5, 10, 2)]
    [InlineData(15, 10, 0)]
    public void Options_MustOrderTheDurations_InWholeSecondsOfLease(double lease, double renew, double retry)
    {
        var options = new LeaderElectionOptions
        {
            LeaseDuration = TimeSpan.FromSeconds(lease),
            RenewDeadline = TimeSpan.FromSeconds(renew),
            RetryPeriod = TimeSpan.FromSeconds(retry),
        };
        Assert.Throws<ArgumentException>(() => LeaderElectorFactory.Create(_cluster.Client, options));
        Assert.NotNull(LeaderElectorFactory.Create(_cluster.Client, new LeaderElectionOptions()));
    }

    private Candidate Start(string identity, bool release = true, TimeSpan? leaseDuration = null)
    {
        var client = KubernetesClientFactory.Create(new k8s.KubernetesClientConfiguration { Host = _cluster.Server.Url.ToString(), AccessToken = identity });
        var elector = LeaderElectorFactory.Create(client, new LeaderElectionOptions
        {
            Identity = identity,
            LeaseName = "mesh-operator",
            LeaseNamespace = "mesh-system",
            LeaseDuration = leaseDuration ?? LeaseDuration,
            RenewDeadline = TimeSpan.FromSeconds(3),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
            ReleaseOnCancel = release,
        });
        var candidate = new Candidate(elector, client, () => Lease());
        _candidates.Add(candidate);
        return candidate;
    }

    private int PutsBy(string identity)
        => _cluster.Server.Requests.Count(r => r.Method == "PUT" && r.Authorization == "Bearer " + identity);

    private void SeedLease(string spec)
        => _cluster.Server.Store.Create(ResourceType.Lease, "mesh-system", Lease($$"""{"spec":{{spec}}}"""));

    private static JsonObject Lease(string fields)
    {
        var lease = JsonNode.Parse(fields)!.AsObject();
        lease["apiVersion"] = "coordination.k8s.io/v1";
        lease["kind"] = "Lease";
        if (lease["metadata"] is not JsonObject metadata)
        {
            metadata = [];
            lease["metadata"] = metadata;
        }

        metadata["name"] = "mesh-operator";
        metadata["namespace"] = "mesh-system";
        return lease;
    }

    private V1Lease Lease() => k8s.KubernetesJson.Deserialize<V1Lease>(
        _cluster.Server.Store.Get(ResourceType.Lease, "mesh-system", "mesh-operator").ToJsonString());

    private sealed class Candidate
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly IKubernetesClient _client;
        private readonly Task _run;

        public Candidate(ILeaderElector elector, IKubernetesClient client, Func<V1Lease> lease)
        {
            Elector = elector;
            _client = client;
            elector.OnStartedLeading += token =>
            {
                StartedAt = DateTime.UtcNow;
                Started++;
                LeadingToken = token;
            };
            elector.OnStoppedLeading += () =>
            {
                StoppedLease = lease();
                Stopped++;
            };
            _run = elector.RunAsync(_stop.Token);
        }

        public ILeaderElector Elector { get; }

        public int Started { get; private set; }

        public DateTime StartedAt { get; private set; }

        public int Stopped { get; private set; }

        /// <summary>The stored lease at the moment this candidate stopped leading.</summary>
        public V1Lease? StoppedLease { get; private set; }

        public CancellationToken LeadingToken { get; private set; }

        public bool Running => !_run.IsCompleted;

        public async Task StopAsync()
        {
            if (!_stop.IsCancellationRequested)
            {
                await _stop.CancelAsync();
                await _run.WaitAsync(TestTimeout.Default);
                _client.Dispose();
            }
        }
    }
}
