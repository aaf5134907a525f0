using System.Text.Json.Nodes;

namespace Mesh.Operator.Tests.Injection;

/// <summary>
/// The webhook over a real socket names the chart entry that sends each pod, with its reason, in
/// <c>mesh_injection_total{result,entry,reason}</c>.
/// </summary>
public sealed class InjectionEntryTests
{
    [Theory]
    [InlineData(null, "true", null, "injected", "pod-label", "pod-label")]
    [InlineData(null, null, "true", "injected", "annotation", "pod-annotation")]
    [InlineData("enabled", null, null, "injected", "namespace", "namespace-label")]
    [InlineData("enabled", "false", null, "skipped", "none", "opted-out")]
    [InlineData("disabled", "true", "true", "skipped", "none", "namespace-disabled")]
    [InlineData(null, null, null, "skipped", "annotation", "not-enabled")]
    public async Task Each_review_is_counted_with_its_entry_and_reason(string? namespaceLabel, string? podLabel, string? annotation, string result, string entry, string reason)
    {
        await using var server = await WebhookServer.StartAsync();
        if (namespaceLabel is not null)
        {
            server.LabelNamespace("shop", "mesh.io/injection", namespaceLabel);
        }

        var pod = Pod(podLabel, annotation);

        var response = (await server.ReviewAsync(AdmissionReviews.For(pod, "shop")))["response"]!;

        Assert.True((bool)response["allowed"]!);
        Assert.Equal(result == "injected", response["patch"] is not null);
        Assert.Equal([(result, entry, reason)], server.RecordedWithEntries);
    }

    [Fact]
    public async Task A_pod_of_the_operators_own_namespace_is_never_injected_even_when_it_asks()
    {
        await using var server = await WebhookServer.StartAsync(o => o.OperatorNamespace = "mesh-control");

        var response = (await server.ReviewAsync(AdmissionReviews.For(Pod("true", "true"), "mesh-control")))["response"]!;

        Assert.Null(response["patch"]);
        Assert.Equal([("skipped", "none", "operator-namespace")], server.RecordedWithEntries);
    }

    private static JsonObject Pod(string? label, string? annotation)
    {
        var pod = AdmissionReviews.RealisticPod();
        pod.Annotations().Remove("mesh.io/inject");
        if (annotation is not null)
        {
            pod.Annotations()["mesh.io/inject"] = annotation;
        }

        if (label is not null)
        {
            pod["metadata"]!["labels"]!["mesh.io/inject"] = label;
        }

        return pod;
    }
}
