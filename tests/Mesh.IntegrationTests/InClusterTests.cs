using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Mesh.IntegrationTests.Fixtures;
using Mesh.Kubernetes.Client;
using Mesh.Testing;
using KubernetesException = Mesh.Kubernetes.Client.KubernetesException;

namespace Mesh.IntegrationTests;

/// <summary>
/// The mesh as a user installs it: the images built from Dockerfile.operator and Dockerfile.proxy, the chart
/// installed with helm, the API server calling the webhook through the chart's MutatingWebhookConfiguration, sidecars
/// carrying real pod-to-pod traffic, status written by the elected replica, and leadership handed over when the
/// leader's pod is deleted. The workloads are small public images (http-echo, curl) the cluster pulls.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class InClusterTests
{
    private const string EchoImage = "docker.io/hashicorp/http-echo:1.0";
    private const string CurlImage = "docker.io/curlimages/curl:8.11.1";
    private static readonly TimeSpan PodTimeout = TimeSpan.FromMinutes(3);

    [InClusterFact]
    public async Task The_API_server_calls_the_webhook_and_a_pod_of_a_labelled_namespace_gets_the_sidecar()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        await using var cluster = await Cluster.ConnectAsync(cancel.Token);
        await using var mesh = await MeshInstall.InstallAsync(cluster, cancel.Token);

        var pod = await CreatePodAsync(cluster, EchoPod("echo-1", "echo", "v1"), cancel.Token);

        var initContainers = Names(pod["spec"]?["initContainers"]);
        var containers = Names(pod["spec"]?["containers"]);
        Assert.Contains("mesh-init", initContainers);
        Assert.True(initContainers.Contains("mesh-proxy") || containers.Contains("mesh-proxy"), $"no mesh-proxy in {pod}");
        Assert.NotNull(pod["metadata"]?["annotations"]?["mesh.io/status"]);
        await WaitForPodAsync(cluster, "echo-1", p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true, "ready with its sidecar", cancel.Token);
    }

    [InClusterFact]
    public async Task Two_injected_pods_talk_through_their_sidecars_and_a_virtual_service_split_is_observed()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        await using var cluster = await Cluster.ConnectAsync(cancel.Token);
        await using var mesh = await MeshInstall.InstallAsync(cluster, cancel.Token);
        await cluster.ApplyAsync("""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"reviews"},
             "spec":{"selector":{"app":"reviews"},"ports":[{"name":"http","port":8080,"targetPort":8080}]}}
            """, cancel.Token);
        await cluster.ApplyAsync("""
            {"apiVersion":"mesh.io/v1alpha1","kind":"DestinationRule","metadata":{"name":"reviews"},
             "spec":{"host":"reviews","subsets":[{"name":"v1","labels":{"version":"v1"}},{"name":"v2","labels":{"version":"v2"}}]}}
            """, cancel.Token);
        await cluster.ApplyAsync("""
            {"apiVersion":"mesh.io/v1alpha1","kind":"VirtualService","metadata":{"name":"reviews"},
             "spec":{"hosts":["reviews"],"http":[{"name":"split","route":[
               {"destination":{"host":"reviews","subset":"v1"},"weight":80},{"destination":{"host":"reviews","subset":"v2"},"weight":20}]}]}}
            """, cancel.Token);
        foreach (var version in new[] { "v1", "v2" })
        {
            await CreatePodAsync(cluster, EchoPod($"reviews-{version}", "reviews", version), cancel.Token);
            await WaitForPodAsync(cluster, $"reviews-{version}", p => p.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true, "ready", cancel.Token);
        }

        await Eventually.AssertAsync(
            async () => Cluster.HasCondition(await cluster.GetAsync("mesh.io/v1alpha1", "VirtualService", cluster.Namespace, "reviews", cancel.Token), "Accepted"),
            "the VirtualService is accepted before traffic is sent",
            PodTimeout);

        // 400 requests from an injected client pod; a Job-like pod finishes because the sidecar is a native sidecar.
        const int Requests = 400;
        await CreatePodAsync(cluster, $$$"""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"client","labels":{"app":"client"}},
             "spec":{"restartPolicy":"Never","containers":[{"name":"client","image":"{{{CurlImage}}}","command":["sh","-c",
               "for i in $(seq 1 {{{Requests}}}); do curl -s --max-time 5 http://reviews:8080/; done"]}]}}
            """, cancel.Token);
        await WaitForPodAsync(cluster, "client", p => p.Status?.Phase is "Succeeded" or "Failed", "finished", cancel.Token);

        var log = await ReadLogAsync(cluster, "client", "client", cancel.Token);
        var lines = log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var v1 = lines.Count(l => l == "reviews v1");
        var v2 = lines.Count(l => l == "reviews v2");
        Assert.True(v1 + v2 == Requests, $"{v1 + v2} of {Requests} requests answered: {log}");

        // 80/20 over 400 requests: a binomial standard deviation of 8 requests (2%); 6% is three of them.
        Assert.InRange((double)v1 / Requests, 0.74, 0.86);
    }

    [InClusterFact]
    public async Task The_elected_replica_writes_status_conditions_onto_a_virtual_service()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        await using var cluster = await Cluster.ConnectAsync(cancel.Token);
        await using var mesh = await MeshInstall.InstallAsync(cluster, cancel.Token);

        await cluster.ApplyAsync("""
            {"apiVersion":"mesh.io/v1alpha1","kind":"VirtualService","metadata":{"name":"nowhere"},
             "spec":{"hosts":["nowhere"],"http":[{"name":"all","route":[{"destination":{"host":"no-such-service"}}]}]}}
            """, cancel.Token);

        JsonObject? stored = null;
        await Eventually.AssertAsync(
            async () => (stored = await cluster.GetAsync("mesh.io/v1alpha1", "VirtualService", cluster.Namespace, "nowhere", cancel.Token))["status"]?["conditions"] is JsonArray { Count: > 0 },
            "the operator writes status.conditions",
            PodTimeout);
        var resolved = stored!["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "ResolvedRefs")!;
        Assert.Equal("False", (string?)resolved["status"]);
        Assert.Contains("no-such-service", (string?)resolved["message"], StringComparison.Ordinal);
    }

    [InClusterFact]
    public async Task Deleting_the_leader_pod_hands_leadership_to_the_other_replica_within_the_lease_duration()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(30));
        await using var cluster = await Cluster.ConnectAsync(cancel.Token);
        await using var mesh = await MeshInstall.InstallAsync(cluster, cancel.Token);
        var leaseDuration = TimeSpan.FromSeconds(15);

        string? leader = null;
        await Eventually.AssertAsync(
            async () => !string.IsNullOrEmpty(leader = (await ReadLeaseAsync(cluster, mesh, cancel.Token)).Spec?.HolderIdentity),
            "one replica holds the mesh-operator Lease",
            PodTimeout);

        var deleted = Stopwatch.StartNew();
        await cluster.Client.CallAsync(api => api.CoreV1.DeleteNamespacedPodAsync(leader, mesh.Namespace, cancellationToken: cancel.Token));

        string? successor = null;
        await Eventually.AssertAsync(
            async () => (successor = (await ReadLeaseAsync(cluster, mesh, cancel.Token)).Spec?.HolderIdentity) is { Length: > 0 } holder && holder != leader,
            "another replica takes the Lease",
            leaseDuration * 2);
        Assert.True(deleted.Elapsed < leaseDuration, $"{successor} took over {deleted.Elapsed} after {leader} was deleted; the lease lasts {leaseDuration}");
    }

    private static string EchoPod(string name, string app, string version) => $$$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","labels":{"app":"{{{app}}}","version":"{{{version}}}"}},
         "spec":{"containers":[{"name":"echo","image":"{{{EchoImage}}}","args":["-listen=:8080","-text={{{app}}} {{{version}}}"],
           "ports":[{"name":"http","containerPort":8080}],"readinessProbe":{"httpGet":{"path":"/","port":8080} } }]} }
        """;

    /// <summary>Creates a pod, retrying while the new namespace's default ServiceAccount does not exist yet.</summary>
    private static async Task<JsonObject> CreatePodAsync(Cluster cluster, string manifest, CancellationToken cancellationToken)
    {
        JsonObject? pod = null;
        await Eventually.AssertAsync(
            async () =>
            {
                try
                {
                    pod = await cluster.ApplyAsync(manifest, cancellationToken);
                    return true;
                }
                catch (KubernetesException e) when (e.Code == System.Net.HttpStatusCode.Forbidden)
                {
                    return false;
                }
            },
            "the cluster accepts the pod",
            PodTimeout);
        return pod!;
    }

    private static Task WaitForPodAsync(Cluster cluster, string name, Func<V1Pod, bool> condition, string what, CancellationToken cancellationToken) =>
        Eventually.AssertAsync(
            async () => condition(await cluster.Client.CallAsync(api => api.CoreV1.ReadNamespacedPodAsync(name, cluster.Namespace, cancellationToken: cancellationToken))),
            $"pod {name} is {what}",
            PodTimeout);

    private static async Task<string> ReadLogAsync(Cluster cluster, string pod, string container, CancellationToken cancellationToken)
    {
        await using var stream = await cluster.Client.CallAsync(api => api.CoreV1.ReadNamespacedPodLogAsync(pod, cluster.Namespace, container: container, cancellationToken: cancellationToken));
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    private static Task<V1Lease> ReadLeaseAsync(Cluster cluster, MeshInstall mesh, CancellationToken cancellationToken) =>
        cluster.Client.CallAsync(api => api.CoordinationV1.ReadNamespacedLeaseAsync("mesh-operator", mesh.Namespace, cancellationToken: cancellationToken));

    private static List<string> Names(JsonNode? containers) =>
        containers is JsonArray array ? [.. array.Select(c => (string?)c?["name"] ?? "")] : [];
}
