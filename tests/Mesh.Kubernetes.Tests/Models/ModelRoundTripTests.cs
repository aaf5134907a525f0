using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Kubernetes.Tests.Models;

/// <summary>Models (ours and KubernetesClient's) against the JSON the Kubernetes API server itself produces (kubernetes/api testdata).</summary>
public sealed class ModelRoundTripTests
{
    [Fact]
    public void Lease_FromKubernetesTestdata_RoundTripsWithoutLosingAField()
    {
        var original = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "coordination.k8s.io.v1.Lease.json"));
        var lease = k8s.KubernetesJson.Deserialize<k8s.Models.V1Lease>(original);

        Assert.Equal("holderIdentityValue", lease.Spec!.HolderIdentity);
        Assert.Equal(2, lease.Spec.LeaseDurationSeconds);
        Assert.Equal(5, lease.Spec.LeaseTransitions);
        Assert.Equal(new DateTime(2003, 1, 1, 1, 1, 1, DateTimeKind.Utc).AddTicks(30), lease.Spec.AcquireTime);
        Assert.Equal("namespaceValue", lease.Metadata.NamespaceProperty);
        Assert.Equal(7, lease.Metadata.Generation);
        Assert.Equal(new DateTime(2008, 1, 1, 1, 1, 1, DateTimeKind.Utc), lease.Metadata.CreationTimestamp);
        Assert.True(lease.Metadata.OwnerReferences![0].Controller);

        var written = k8s.KubernetesJson.Serialize(lease);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(original), JsonNode.Parse(written)), written);
    }

    [Fact]
    public void Times_AreWrittenAsKubernetesWritesThem()
    {
        var meta = new k8s.Models.V1ObjectMeta { CreationTimestamp = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)).UtcDateTime };

        Assert.Equal("""{"creationTimestamp":"2026-01-02T01:04:05Z"}""", JsonSerializer.Serialize(meta, KubernetesJson.Options));
    }

    [Fact]
    public void Status_ParsesTheApiServersFailureBody()
    {
        // As documented in the Kubernetes API concepts ("Responses") for a missing object.
        const string Body = """{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"grafana\" not found","reason":"NotFound","details":{"name":"grafana","kind":"pods"},"code":404}""";
        var status = JsonSerializer.Deserialize<k8s.Models.V1Status>(Body, KubernetesJson.Options)!;
        Assert.Equal("Failure", status.Status);
        Assert.Equal("NotFound", status.Reason);
        Assert.Equal(404, status.Code);
        Assert.Equal("grafana", status.Details!.Name);
        Assert.Equal("pods \"grafana\" not found", status.Message);
    }
}
