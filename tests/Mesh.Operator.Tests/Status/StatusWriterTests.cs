using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;
using Mesh.Kubernetes;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Tests.Fixtures;
using Mesh.Operator.Reconcile;
using Mesh.Operator.Resources;
using Mesh.Operator.Tests.Sources;
using Mesh.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Operator.Tests.StatusWriting;

public sealed class StatusWriterTests : IAsyncLifetime
{
    private FakeKube _kube = null!;

    public async Task InitializeAsync()
    {
        _kube = await FakeKube.StartAsync();
        _kube.SeedOneOfEach();
    }

    public async Task DisposeAsync() => await _kube.DisposeAsync();

    [Fact]
    public async Task AValidVirtualServiceIsAccepted_AndAnInvalidOneIsNotWithTheFieldPath()
    {
        _kube.Create(FakeKube.VirtualServices, FakeKube.VirtualService("broken", """["*"]"""));
        await using var op = await KubeOperator.StartAsync(_kube);

        await Eventually.AssertAsync(() => Conditions("reviews").Count > 0 && Conditions("broken").Count > 0, "both VirtualServices get conditions");

        var valid = Conditions("reviews");
        Assert.Equal(("True", "Accepted", 1L), Summary(valid, "Accepted"));
        Assert.Equal(("True", "ResolvedRefs", 1L), Summary(valid, "ResolvedRefs"));
        Assert.All(valid, c => Assert.NotEqual(default, c.LastTransitionTime));

        var invalid = Conditions("broken");
        Assert.Equal(("False", "Invalid", 1L), Summary(invalid, "Accepted"));
        Assert.Contains("spec.hosts[0]: the wildcard host * is not allowed", invalid.Single(c => c.Type == "Accepted").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnchangedConditions_AreNotWrittenAgain_AndAnUnchangedStatusKeepsItsTransitionTime()
    {
        await using var op = await KubeOperator.StartAsync(_kube);
        await Eventually.AssertAsync(() => MeshResourcesWithConditions() == 4, "all four mesh resources get conditions");
        var firstTransition = Conditions("reviews").Single(c => c.Type == "Accepted").LastTransitionTime;

        // A new resource makes the operator reconcile everything again; once its status is written, that
        // reconcile has also judged the others.
        _kube.Create(FakeKube.VirtualServices, FakeKube.VirtualService("second", """["reviews-canary"]"""));
        await Eventually.AssertAsync(() => Conditions("second").Count > 0, "the new VirtualService gets conditions");

        Assert.Equal(1, PatchesOf("virtualservices/reviews"));
        Assert.Equal(1, PatchesOf("destinationrules/reviews"));
        Assert.Equal(5, _kube.StatusPatches);

        // A spec change (generation 2) that stays valid moves observedGeneration but not lastTransitionTime.
        _kube.Server.Store.Patch(FakeKube.VirtualServices, "default", "reviews", current =>
        {
            current!["spec"]!["hosts"] = new JsonArray("reviews", "reviews.default.svc.cluster.local");
            return current;
        }, status: false, createIfMissing: false);
        await Eventually.AssertAsync(() => Conditions("reviews").All(c => c.ObservedGeneration == 2), "observedGeneration follows the spec");
        Assert.Equal(firstTransition, Conditions("reviews").Single(c => c.Type == "Accepted").LastTransitionTime);
    }

    [Fact]
    public async Task AReplicaThatDoesNotLead_WritesNothing_UntilItLeads()
    {
        var now = DateTimeOffset.UtcNow;
        _kube.Create(ResourceType.Lease, k8s.KubernetesJson.Serialize(
            new k8s.Models.V1Lease
            {
                ApiVersion = "coordination.k8s.io/v1",
                Kind = "Lease",
                Metadata = new k8s.Models.V1ObjectMeta { Name = "mesh-operator", NamespaceProperty = "mesh-system" },
                Spec = new k8s.Models.V1LeaseSpec { HolderIdentity = "another-replica", LeaseDurationSeconds = 3600, AcquireTime = now.UtcDateTime, RenewTime = now.UtcDateTime },
            }));
        await using var op = await KubeOperator.StartAsync(_kube);
        await op.Services.GetRequiredService<MeshReconciler>().FirstPublished.WithTimeout("the first compile");
        var leaseReadsAfterCompile = LeaseReads();

        await Eventually.AssertAsync(() => LeaseReads() >= leaseReadsAfterCompile + 3, "the replica keeps trying for the lease");
        Assert.False(op.Elector.IsLeader);
        Assert.Equal(0, _kube.StatusPatches);

        _kube.Server.Store.Patch(ResourceType.Lease, "mesh-system", "mesh-operator", current =>
        {
            current!["spec"]!["holderIdentity"] = null;
            return current;
        }, status: false, createIfMissing: false);

        await Eventually.AssertAsync(() => MeshResourcesWithConditions() == 4, "once leading, the replica writes every status");
        Assert.True(op.Elector.IsLeader);
    }

    [Fact]
    public async Task ALeaderThatCannotRenewItsLease_StopsWritingStatus_AndWritesAgainOnceItLeads()
    {
        await using var op = await KubeOperator.StartAsync(_kube);
        await Eventually.AssertAsync(() => MeshResourcesWithConditions() == 4 && op.Elector.IsLeader, "the replica leads and writes");

        var leaseRefused = 1;
        _kube.Server.InjectFailures(int.MaxValue, 403, match: r => Volatile.Read(ref leaseRefused) == 1 && r.Path.Contains("/leases", StringComparison.Ordinal));
        await Eventually.AssertAsync(() => !op.Elector.IsLeader, "the replica stops leading at its renew deadline (3 s)");

        _kube.Create(FakeKube.VirtualServices, FakeKube.VirtualService("while-not-leading", """["*"]"""));
        var reconciler = op.Services.GetRequiredService<MeshReconciler>();
        await Eventually.AssertAsync(() => reconciler.LastResults.Any(r => r.Resource.Name == "while-not-leading"), "the new VirtualService is judged");
        var leaseRequestsAfterJudging = LeaseReads();
        await Eventually.AssertAsync(() => LeaseReads() >= leaseRequestsAfterJudging + 3, "the replica keeps trying for the lease");
        Assert.False(op.Elector.IsLeader);
        Assert.Equal(0, PatchesOf("virtualservices/while-not-leading"));

        Volatile.Write(ref leaseRefused, 0);
        await Eventually.AssertAsync(() => Conditions("while-not-leading").Count > 0, "leading again, the replica writes the status it held back");
        Assert.True(op.Elector.IsLeader);
    }

    [Fact]
    public async Task WithTwoReplicas_BothAreReady_AndTheSecondWritesOnceTheLeaderStops()
    {
        var first = await KubeOperator.StartAsync(_kube, identity: "operator-a");
        KubeOperator? started = null;
        try
        {
            await Eventually.AssertAsync(() => MeshResourcesWithConditions() == 4 && first.Elector.IsLeader, "the first replica leads and writes");
            started = await KubeOperator.StartAsync(_kube, identity: "operator-b");
            await started.Services.GetRequiredService<MeshReconciler>().FirstPublished.WithTimeout("the second replica's first compile");
            Assert.False(started.Elector.IsLeader);
        }
        finally
        {
            // Stopping releases the lease, so the second replica takes over without waiting for it to expire.
            await first.DisposeAsync();
        }

        await using var second = started;

        _kube.Create(FakeKube.VirtualServices, FakeKube.VirtualService("after-failover", """["*"]"""));

        await Eventually.AssertAsync(() => Conditions("after-failover").Count > 0, "the new leader writes the new resource's status");
        Assert.True(second.Elector.IsLeader);
        Assert.Equal("False", Conditions("after-failover").Single(c => c.Type == "Accepted").Status);
    }

    [Fact]
    public async Task AFailingWrite_IsRetriedAndCounted_WhileTheOthersAreWritten()
    {
        _kube.Server.InjectFailures(3, 409, match: r => r.Method == "PATCH" && r.Path.EndsWith("virtualservices/reviews/status", StringComparison.Ordinal));
        ReconcileErrorCounter? counter = null;
        await using var op = await KubeOperator.StartAsync(_kube, beforeStart: services => counter = new ReconcileErrorCounter(services.GetRequiredService<Prometheus.CollectorRegistry>()));
        var errors = counter!;

        await Eventually.AssertAsync(() => MeshResourcesWithConditions() == 4, "every status is written, the failing one after its retries");

        Assert.Equal(4, PatchesOf("virtualservices/reviews"));
        Assert.Equal(1, PatchesOf("destinationrules/reviews"));
        Assert.Equal(3, errors.Status);
    }

    [Fact]
    public async Task AWriteToADeletedObject_IsDroppedWithoutCountingAnError()
    {
        _kube.Server.InjectFailures(1, 404, match: r => r.Method == "PATCH" && r.Path.EndsWith("workloadentries/vm-1/status", StringComparison.Ordinal));
        ReconcileErrorCounter? counter = null;
        await using var op = await KubeOperator.StartAsync(_kube, beforeStart: services => counter = new ReconcileErrorCounter(services.GetRequiredService<Prometheus.CollectorRegistry>()));
        var errors = counter!;

        await Eventually.AssertAsync(
            () => PatchesOf("workloadentries/vm-1") >= 1 && MeshResourcesWithConditions() >= 3,
            "the 404 was answered and the other statuses are written");

        Assert.Equal(0, errors.Status);
    }

    private int LeaseReads() => _kube.Server.Requests.Count(r => r.Path.Contains("/leases", StringComparison.Ordinal));

    private int PatchesOf(string pathEnd) =>
        _kube.Server.Requests.Count(r => r.Method == "PATCH" && r.Path.EndsWith(pathEnd + "/status", StringComparison.Ordinal));

    private List<V1Condition> Conditions(string virtualService) => ConditionsOf(FakeKube.VirtualServices, virtualService);

    private List<V1Condition> ConditionsOf(ResourceType type, string name) =>
        _kube.Get(type, "default", name)["status"]?["conditions"]?.Deserialize<List<V1Condition>>(KubernetesJson.Options) ?? [];

    private int MeshResourcesWithConditions() =>
        (ConditionsOf(FakeKube.VirtualServices, "reviews").Count > 0 ? 1 : 0)
        + (ConditionsOf(FakeKube.DestinationRules, "reviews").Count > 0 ? 1 : 0)
        + (ConditionsOf(FakeKube.MeshPolicies, "strict").Count > 0 ? 1 : 0)
        + (ConditionsOf(FakeKube.WorkloadEntries, "vm-1").Count > 0 ? 1 : 0);

    private static (string Status, string Reason, long? ObservedGeneration) Summary(List<V1Condition> conditions, string type)
    {
        var condition = conditions.Single(c => c.Type == type);
        return (condition.Status, condition.Reason, condition.ObservedGeneration);
    }

    /// <summary>Reads <c>mesh_reconcile_errors_total{stage="status"}</c> from one operator's registry.</summary>
    private sealed class ReconcileErrorCounter(Prometheus.CollectorRegistry registry)
    {
        // The factory hands back the family the operator registered (same name and label).
        private readonly Prometheus.Counter _errors = Prometheus.Metrics.WithCustomRegistry(registry)
            .CreateCounter("mesh_reconcile_errors_total", "Failures while compiling or writing status.", "stage");

        public int Status => _errors.GetAllLabelValues().Any(labels => labels[0] == "status") ? (int)_errors.WithLabels("status").Value : 0;
    }
}
