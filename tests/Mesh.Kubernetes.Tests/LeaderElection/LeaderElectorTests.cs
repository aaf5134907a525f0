using k8s.Models;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.LeaderElection;
using Mesh.Kubernetes.Tests.Fixtures;
using Mesh.Testing;

namespace Mesh.Kubernetes.Tests.LeaderElection;

/// <summary>
/// Two candidates against the fake API server on one fake clock. The clock moves only while every running
/// candidate waits on its timer, so the assertions are on fake time and do not depend on machine load.
/// </summary>
public sealed class LeaderElectorTests : IAsyncLifetime
{
    private static readonly TimeSpan Step = TimeSpan.FromMilliseconds(100);
    private readonly ManualTimeProvider _clock = new();
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
        await AdvanceUntilAsync(() => a.Elector.IsLeader, TimeSpan.FromSeconds(1));
        var b = Start("b");

        var renewTimes = new HashSet<DateTime?>();
        await AdvanceForAsync(TimeSpan.FromSeconds(60), () =>
        {
            Assert.True(a.Elector.IsLeader);
            Assert.False(b.Elector.IsLeader);
            renewTimes.Add(Lease().Spec!.RenewTime);
        });

        var lease = Lease();
        Assert.Equal("a", lease.Spec!.HolderIdentity);
        Assert.Equal(15, lease.Spec.LeaseDurationSeconds);
        Assert.Equal(0, lease.Spec.LeaseTransitions);
        Assert.True(renewTimes.Count >= 25, $"a renewed {renewTimes.Count} times in 60 s");
        Assert.Equal(1, a.Started);
        Assert.Equal(0, b.Started);
    }

    [Fact]
    public async Task RenewingAndReleasing_KeepTheLeaseFieldsThisProjectDoesNotKnow()
    {
        _cluster.Server.Store.Create(ResourceType.Lease, "mesh-system", System.Text.Json.Nodes.JsonNode.Parse("""
            {"apiVersion":"coordination.k8s.io/v1","kind":"Lease",
             "metadata":{"name":"mesh-operator","namespace":"mesh-system","labels":{"team":"mesh"}},
             "spec":{"strategy":"OldestEmulationVersion","fieldFromANewerKubernetes":{"kept":true}}}
            """)!.AsObject());
        var a = Start("a");
        await AdvanceUntilAsync(() => a.Elector.IsLeader, TimeSpan.FromSeconds(1));
        await AdvanceForAsync(TimeSpan.FromSeconds(10), () => Assert.True(a.Elector.IsLeader));
        await a.StopAsync();

        var stored = _cluster.Server.Store.Get(ResourceType.Lease, "mesh-system", "mesh-operator");
        Assert.Equal("OldestEmulationVersion", stored["spec"]!["strategy"]!.GetValue<string>());
        Assert.True(stored["spec"]!["fieldFromANewerKubernetes"]!["kept"]!.GetValue<bool>());
        Assert.Equal("mesh", stored["metadata"]!["labels"]!["team"]!.GetValue<string>());
        Assert.Null(stored["spec"]!["holderIdentity"]);
    }

    [Fact]
    public async Task TwoCandidatesStartingTogether_NeverLeadAtTheSameTime()
    {
        var a = Start("a");
        var b = Start("b");
        await AdvanceUntilAsync(() => a.Elector.IsLeader || b.Elector.IsLeader, TimeSpan.FromSeconds(5));

        await AdvanceForAsync(TimeSpan.FromSeconds(60), () => Assert.True(a.Elector.IsLeader ^ b.Elector.IsLeader, "exactly one leader"));
        Assert.Equal(1, a.Started + b.Started);
        Assert.Equal(a.Elector.IsLeader ? "a" : "b", Lease().Spec!.HolderIdentity);
    }

    [Fact]
    public async Task WhenTheLeaderStops_ItReleases_AndTheOtherLeadsWithinAJitteredRetryPeriod()
    {
        var a = Start("a");
        await AdvanceUntilAsync(() => a.Elector.IsLeader, TimeSpan.FromSeconds(1));
        var b = Start("b");
        await AdvanceForAsync(TimeSpan.FromSeconds(10), () => Assert.False(b.Elector.IsLeader));

        await a.StopAsync();
        Assert.False(a.Elector.IsLeader);
        Assert.True(a.LeadingToken.IsCancellationRequested);
        Assert.Equal(1, a.Stopped);
        Assert.Null(Lease().Spec!.HolderIdentity);

        var waited = await AdvanceUntilAsync(() => b.Elector.IsLeader, TimeSpan.FromSeconds(5));
        Assert.True(waited <= TimeSpan.FromSeconds(2 * 2.2) + Step, $"b took {waited} to lead");
        var lease = Lease();
        Assert.Equal("b", lease.Spec!.HolderIdentity);
        Assert.Equal(1, lease.Spec.LeaseTransitions);
    }

    [Fact]
    public async Task WhenTheLeaderIsKilledWithoutRelease_TheOtherLeadsOnlyAfterTheLeaseExpires()
    {
        var a = Start("a", release: false);
        await AdvanceUntilAsync(() => a.Elector.IsLeader, TimeSpan.FromSeconds(1));
        var b = Start("b");
        await AdvanceForAsync(TimeSpan.FromSeconds(10), () => Assert.False(b.Elector.IsLeader));

        await a.StopAsync();
        Assert.Equal("a", Lease().Spec!.HolderIdentity);

        // a renewed at most one retry period (2 s) before it died and b saw that renewal within one jittered
        // retry period (4.4 s): b must wait out the 15 s lease from there, and needs at most one more poll.
        var waited = await AdvanceUntilAsync(() => b.Elector.IsLeader, TimeSpan.FromSeconds(30));
        Assert.InRange(waited, TimeSpan.FromSeconds(15 - 2), TimeSpan.FromSeconds(15 + 4.4 + 4.4) + Step);
        Assert.Equal("b", Lease().Spec!.HolderIdentity);
    }

    [Fact]
    public async Task ALeaderWhoseLeaseIsTakenByAnother_StopsLeadingAtItsNextRenewal()
    {
        var a = Start("a");
        await AdvanceUntilAsync(() => a.Elector.IsLeader, TimeSpan.FromSeconds(1));

        var lease = Lease();
        lease.Spec!.HolderIdentity = "intruder";
        await _cluster.Client.CallAsync(api => k8s.CoordinationV1OperationsExtensions.ReplaceNamespacedLeaseAsync(api.CoordinationV1, lease, "mesh-operator", "mesh-system", cancellationToken: TestTimeout.Token()));

        var waited = await AdvanceUntilAsync(() => !a.Elector.IsLeader, TimeSpan.FromSeconds(5));
        Assert.True(waited <= TimeSpan.FromSeconds(2) + Step, $"a kept leading for {waited}");
        Assert.True(a.LeadingToken.IsCancellationRequested);
        Assert.Equal(1, a.Stopped);
    }

    [Fact]
    public async Task ALeaderThatCannotRenew_StopsLeadingAtTheRenewDeadline()
    {
        var a = Start("a");
        await AdvanceUntilAsync(() => a.Elector.IsLeader, TimeSpan.FromSeconds(1));

        _cluster.Server.InjectFailures(int.MaxValue, 403);
        var waited = await AdvanceUntilAsync(() => !a.Elector.IsLeader, TimeSpan.FromSeconds(15));
        Assert.InRange(waited, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(12) + Step);
    }

    [Fact]
    public void Options_MustOrderTheDurations()
    {
        var options = new LeaderElectionOptions { RenewDeadline = TimeSpan.FromSeconds(20) };
        Assert.Throws<ArgumentException>(() => LeaderElectorFactory.Create(_cluster.Client, options));
    }

    private Candidate Start(string identity, bool release = true)
    {
        var client = _cluster.NewClient();
        var elector = LeaderElectorFactory.Create(client, new LeaderElectionOptions
        {
            Identity = identity,
            LeaseName = "mesh-operator",
            LeaseNamespace = "mesh-system",
            ReleaseOnCancel = release,
        }, _clock);
        var candidate = new Candidate(elector, client);
        _candidates.Add(candidate);
        return candidate;
    }

    private V1Lease Lease() => k8s.KubernetesJson.Deserialize<V1Lease>(
        _cluster.Server.Store.Get(ResourceType.Lease, "mesh-system", "mesh-operator").ToJsonString());

    /// <summary>Advances the fake clock in steps, each once every running candidate is idle on its timer.</summary>
    private async Task<TimeSpan> AdvanceUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var elapsed = TimeSpan.Zero;
        while (true)
        {
            await _clock.WaitForTimersAsync(_candidates.Count(c => c.Running));
            if (condition())
            {
                return elapsed;
            }

            Assert.True(elapsed < limit, $"the condition did not hold within {limit} of fake time");
            _clock.Advance(Step);
            elapsed += Step;
        }
    }

    private async Task AdvanceForAsync(TimeSpan duration, Action check)
    {
        for (var elapsed = TimeSpan.Zero; elapsed < duration; elapsed += Step)
        {
            await _clock.WaitForTimersAsync(_candidates.Count(c => c.Running));
            check();
            _clock.Advance(Step);
        }
    }

    private sealed class Candidate
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly IKubernetesClient _client;
        private readonly Task _run;

        public Candidate(ILeaderElector elector, IKubernetesClient client)
        {
            Elector = elector;
            _client = client;
            elector.OnStartedLeading += token =>
            {
                Started++;
                LeadingToken = token;
            };
            elector.OnStoppedLeading += () => Stopped++;
            _run = elector.RunAsync(_stop.Token);
        }

        public ILeaderElector Elector { get; }

        public int Started { get; private set; }

        public int Stopped { get; private set; }

        public CancellationToken LeadingToken { get; private set; }

        public bool Running => !_run.IsCompleted;

        public async Task StopAsync()
        {
            if (Running)
            {
                await _stop.CancelAsync();
                await _run.WaitAsync(TestTimeout.Default);
            }

            _client.Dispose();
        }
    }
}
