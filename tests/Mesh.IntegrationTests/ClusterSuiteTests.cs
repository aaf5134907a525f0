using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Mesh.IntegrationTests.Fixtures;
using Mesh.Kubernetes.Client;
using Mesh.Testing;

namespace Mesh.IntegrationTests;

/// <summary>
/// The operator out of cluster against a real API server: CRDs installed with our client, status written back onto a
/// VirtualService, and the injection decision made from the cluster's namespace labels for a pod the cluster created.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterSuiteTests
{
    private static readonly TimeSpan ClusterTimeout = TimeSpan.FromSeconds(60);

    [ClusterFact]
    public async Task A_virtual_service_applied_to_the_cluster_gets_Accepted_True_from_the_operator()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var cluster = await Cluster.ConnectAsync(cancel.Token);
        await using var op = await OutOfClusterOperator.StartAsync(cluster);
        await WaitReadyAsync(op);

        await cluster.ApplyAsync("""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"reviews"},
             "spec":{"selector":{"app":"reviews"},"ports":[{"name":"http","port":9080}]}}
            """, cancel.Token);
        await cluster.ApplyAsync("""
            {"apiVersion":"mesh.io/v1alpha1","kind":"VirtualService","metadata":{"name":"reviews"},
             "spec":{"hosts":["reviews"],"http":[{"name":"all","route":[{"destination":{"host":"reviews"}}]}]}}
            """, cancel.Token);

        await Eventually.AssertAsync(
            async () => Cluster.HasCondition(await cluster.GetAsync("mesh.io/v1alpha1", "VirtualService", cluster.Namespace, "reviews", cancel.Token), "Accepted"),
            "the elected operator writes Accepted=True onto the VirtualService",
            ClusterTimeout);
    }

    [ClusterFact]
    public async Task A_pod_created_in_a_namespace_labelled_for_injection_gets_the_sidecar_from_the_webhook()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var cluster = await Cluster.ConnectAsync(cancel.Token);
        await using var op = await OutOfClusterOperator.StartAsync(cluster);
        await WaitReadyAsync(op);

        // The namespace's default ServiceAccount appears shortly after the namespace; until then pods are refused.
        JsonObject? pod = null;
        await Eventually.AssertAsync(
            async () =>
            {
                try
                {
                    pod = await cluster.ApplyAsync("""
                        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"reviews-1","labels":{"app":"reviews"}},
                         "spec":{"containers":[{"name":"reviews","image":"docker.io/istio/examples-bookinfo-reviews-v1:1.20.2","ports":[{"containerPort":9080}]}]}}
                        """, cancel.Token);
                    return true;
                }
                catch (KubernetesException)
                {
                    return false;
                }
            },
            "the cluster accepts the pod",
            ClusterTimeout);

        // The webhook is called as the API server would (no MutatingWebhookConfiguration: the API server cannot reach
        // an operator outside the cluster in general), with the pod as the cluster stored it.
        var review = new JsonObject
        {
            ["apiVersion"] = "admission.k8s.io/v1",
            ["kind"] = "AdmissionReview",
            ["request"] = new JsonObject
            {
                ["uid"] = Guid.NewGuid().ToString(),
                ["kind"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["kind"] = "Pod" },
                ["resource"] = new JsonObject { ["group"] = "", ["version"] = "v1", ["resource"] = "pods" },
                ["namespace"] = cluster.Namespace,
                ["operation"] = "CREATE",
                ["object"] = pod!.DeepClone(),
            },
        };

        JsonObject? response = null;
        await Eventually.AssertAsync(
            async () =>
            {
                using var answer = await op.Webhook.PostAsJsonAsync("/inject", review, cancel.Token);
                response = (await answer.Content.ReadFromJsonAsync<JsonObject>(cancel.Token))!["response"]!.AsObject();
                return answer.StatusCode == HttpStatusCode.OK && response.ContainsKey("patch");
            },
            "the webhook patches the pod once the operator has seen the namespace's mesh.io/injection label",
            ClusterTimeout);

        Assert.True((bool)response!["allowed"]!);
        var patch = Encoding.UTF8.GetString(Convert.FromBase64String((string)response["patch"]!));
        Assert.Contains("\"mesh-proxy\"", patch, StringComparison.Ordinal);
        Assert.Contains("\"mesh-init\"", patch, StringComparison.Ordinal);
        Assert.True(patch.Contains("mesh.io/status", StringComparison.Ordinal) || patch.Contains("mesh.io~1status", StringComparison.Ordinal), patch);
    }

    private static Task WaitReadyAsync(OutOfClusterOperator op) =>
        Eventually.AssertAsync(
            async () =>
            {
                using var http = new HttpClient { BaseAddress = op.HttpAddress };
                return (await http.GetAsync("/readyz")).StatusCode == HttpStatusCode.OK;
            },
            "the operator syncs its informers with the cluster (/readyz)",
            ClusterTimeout);
}
