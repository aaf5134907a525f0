using System.Text.Json.Nodes;

namespace Mesh.Operator.Tests.Injection;

/// <summary>Pods the sidecar would break are admitted unpatched, with a warning kubectl shows, and counted by reason.</summary>
public sealed class InjectionPrecheckTests
{
    [Fact]
    public async Task A_pod_without_a_spec_is_allowed_without_a_patch_and_with_a_warning()
    {
        await using var server = await WebhookServer.StartAsync();
        var pod = AdmissionReviews.RealisticPod();
        pod.Remove("spec");

        var response = (await server.ReviewAsync(AdmissionReviews.For(pod)))["response"]!;

        Assert.True((bool)response["allowed"]!);
        Assert.Null(response["patch"]);
        Assert.Null(response["patchType"]);
        Assert.Contains("no spec", (string?)response["warnings"]![0], StringComparison.Ordinal);
        Assert.Equal([("skipped", "no-spec")], server.Recorded);
    }

    [Theory]
    [InlineData(15001)]
    [InlineData(15006)]
    [InlineData(15000)]
    public async Task An_app_port_equal_to_a_proxy_port_skips_injection_with_a_warning(int port)
    {
        await using var server = await WebhookServer.StartAsync();
        var pod = AdmissionReviews.RealisticPod();
        pod["spec"]!["containers"]![0]!["ports"] = new JsonArray(new JsonObject { ["containerPort"] = port, ["protocol"] = "TCP" });

        var response = (await server.ReviewAsync(AdmissionReviews.For(pod)))["response"]!;

        Assert.True((bool)response["allowed"]!);
        Assert.Null(response["patch"]);
        var warning = (string?)response["warnings"]![0];
        Assert.Contains($"container 'reviews' uses port {port}", warning, StringComparison.Ordinal);
        Assert.Equal([("skipped", "port-conflict")], server.Recorded);
    }
}
