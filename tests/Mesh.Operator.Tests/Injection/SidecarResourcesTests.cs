using System.Text;
using System.Text.Json.Nodes;
using Mesh.Operator.Injection;

namespace Mesh.Operator.Tests.Injection;

/// <summary>
/// As Istio's <c>proxyCPU</c>/<c>proxyMemory</c> and <c>proxyCPULimit</c>/<c>proxyMemoryLimit</c>: a request annotation
/// moves the request only, a limit annotation the limit only, and what is not annotated keeps the template's value; a
/// request left above its limit is refused with the annotation to change. Patches are applied by fast-json-patch.
/// </summary>
public sealed class SidecarResourcesTests
{
    [Fact]
    public async Task Request_annotations_leave_the_templates_limits()
    {
        await using var server = await WebhookServer.StartAsync();
        var pod = AdmissionReviews.RealisticPod();
        pod.Annotations()["mesh.io/proxy-cpu"] = "500m";
        pod.Annotations()["mesh.io/proxy-memory"] = "256Mi";

        var resources = await ProxyResourcesAsync(server, pod);

        Assert.Equal(("500m", "256Mi"), Pair(resources["requests"]));
        Assert.Equal(("1", "512Mi"), Pair(resources["limits"]));
    }

    [Fact]
    public async Task Limit_annotations_leave_the_templates_requests()
    {
        await using var server = await WebhookServer.StartAsync();
        var pod = AdmissionReviews.RealisticPod();
        pod.Annotations()["mesh.io/proxy-cpu-limit"] = "2";
        pod.Annotations()["mesh.io/proxy-memory-limit"] = "1Gi";

        var resources = await ProxyResourcesAsync(server, pod);

        Assert.Equal(("100m", "128Mi"), Pair(resources["requests"]));
        Assert.Equal(("2", "1Gi"), Pair(resources["limits"]));
    }

    [Fact]
    public async Task A_request_above_the_templates_limit_is_refused_naming_the_limit_annotation()
    {
        await using var server = await WebhookServer.StartAsync();
        var pod = AdmissionReviews.RealisticPod();
        pod.Annotations()["mesh.io/proxy-memory"] = "0.5Gi";
        pod.Annotations()["mesh.io/proxy-cpu"] = "1001m";

        var message = await DeniedAsync(server, pod);

        Assert.Equal("mesh injection: annotation mesh.io/proxy-cpu: \"1001m\" is above the proxy's CPU limit 1; raise the limit with mesh.io/proxy-cpu-limit", message);

        pod.Annotations()["mesh.io/proxy-cpu-limit"] = "1.5";
        Assert.Equal(("1001m", "0.5Gi"), Pair((await ProxyResourcesAsync(server, pod))["requests"]));
    }

    [Fact]
    public async Task A_limit_below_the_request_is_refused()
    {
        await using var server = await WebhookServer.StartAsync();
        var pod = AdmissionReviews.RealisticPod();
        pod.Annotations()["mesh.io/proxy-memory"] = "300M";
        pod.Annotations()["mesh.io/proxy-memory-limit"] = "256Mi";

        Assert.Equal("mesh injection: annotation mesh.io/proxy-memory-limit: \"256Mi\" is below the proxy's memory request 300M", await DeniedAsync(server, pod));
    }

    private static (string?, string?) Pair(JsonNode? resources) => ((string?)resources!["cpu"], (string?)resources["memory"]);

    private static async Task<JsonNode> ProxyResourcesAsync(WebhookServer server, JsonObject pod)
    {
        var response = (await server.ReviewAsync(AdmissionReviews.For(pod)))["response"]!;
        Assert.True((bool)response["allowed"]!, response.ToJsonString());
        var patch = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String((string)response["patch"]!)))!.AsArray();
        var patched = await JsonPatchPeer.ApplyAsync(pod, patch);
        return patched["spec"]!["initContainers"]!.AsArray().Single(c => (string?)c!["name"] == SidecarTemplate.ProxyName)!["resources"]!;
    }

    private static async Task<string?> DeniedAsync(WebhookServer server, JsonObject pod)
    {
        var response = (await server.ReviewAsync(AdmissionReviews.For(pod)))["response"]!;
        Assert.False((bool)response["allowed"]!, response.ToJsonString());
        return (string?)response["status"]!["message"];
    }
}
