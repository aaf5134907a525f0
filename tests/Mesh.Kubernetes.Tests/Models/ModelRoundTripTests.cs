using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Kubernetes.Models;

namespace Mesh.Kubernetes.Tests.Models;

/// <summary>Our models against the JSON the Kubernetes API server itself produces (kubernetes/api testdata).</summary>
public sealed class ModelRoundTripTests
{
    [Fact]
    public void Lease_FromKubernetesTestdata_RoundTripsWithoutLosingAField()
    {
        var original = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "coordination.k8s.io.v1.Lease.json"));
        var lease = JsonSerializer.Deserialize<Lease>(original, KubernetesJson.Options)!;

        Assert.Equal("holderIdentityValue", lease.Spec!.HolderIdentity);
        Assert.Equal(2, lease.Spec.LeaseDurationSeconds);
        Assert.Equal(5, lease.Spec.LeaseTransitions);
        Assert.Equal(new DateTimeOffset(2003, 1, 1, 1, 1, 1, TimeSpan.Zero).AddTicks(30), lease.Spec.AcquireTime);
        Assert.Equal("namespaceValue", lease.Metadata.Namespace);
        Assert.Equal(7, lease.Metadata.Generation);
        Assert.Equal(new DateTimeOffset(2008, 1, 1, 1, 1, 1, TimeSpan.Zero), lease.Metadata.CreationTimestamp);
        Assert.True(lease.Metadata.OwnerReferences![0].Controller);

        var written = JsonSerializer.Serialize(lease, KubernetesJson.Options);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(original), JsonNode.Parse(written)), written);
    }

    [Fact]
    public void Times_AreWrittenAsKubernetesWritesThem()
    {
        var spec = new LeaseSpec { AcquireTime = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)) };
        var meta = new ObjectMeta { CreationTimestamp = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)) };

        Assert.Equal("""{"acquireTime":"2026-01-02T01:04:05.000000Z"}""", JsonSerializer.Serialize(spec, KubernetesJson.Options));
        Assert.Equal("""{"creationTimestamp":"2026-01-02T01:04:05Z"}""", JsonSerializer.Serialize(meta, KubernetesJson.Options));
    }

    [Fact]
    public void Status_ParsesTheApiServersFailureBody()
    {
        // As documented in the Kubernetes API concepts ("Responses") for a missing object.
        const string Body = """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"grafana\" not found","reason":"NotFound","details":{"name":"grafana","kind":"pods"},"code":404}""";
        var status = JsonSerializer.Deserialize<Status>(Body, KubernetesJson.Options)!;
        Assert.Equal("Failure", status.Outcome);
        Assert.Equal("NotFound", status.Reason);
        Assert.Equal(404, status.Code);
        Assert.Equal("grafana", status.Details!.Name);
        Assert.Equal("pods \"grafana\" not found", status.Message);
    }
}
