using Mesh.Kubernetes.Tests.Fixtures;
using Mesh.Operator.Tests.Chart;
using Mesh.Operator.Tests.Sources;
using Mesh.Operator.WebhookTls;
using Mesh.Testing;

namespace Mesh.Operator.Tests.WebhookTls;

/// <summary>
/// The self-managed certificate against the webhook configuration exactly as helm renders the chart: the operator
/// patches its CA into every entry, not only the first (an entry left with an empty caBundle fails every call).
/// </summary>
public sealed class ChartCaBundleTests
{
    [HelmFact]
    public async Task The_operator_sets_the_ca_bundle_of_every_entry_of_the_rendered_configuration()
    {
        var rendered = (await Helm.TemplateAsync()).Single("MutatingWebhookConfiguration");
        var entries = rendered["webhooks"]!.AsArray().Count;
        Assert.True(entries >= 3, $"the chart renders {entries} webhook entries");
        await using var kube = await FakeKube.StartAsync();
        kube.Create(FakeKube.MutatingWebhookConfigurations, rendered.ToJsonString());

        await using var host = await WebhookOperator.StartKubeAsync(kube.Configuration, new ManualTimeProvider());

        await Eventually.AssertAsync(
            () => Bundles(kube) is var bundles && bundles.Count == entries && bundles.All(b => b is { Length: > 0 } && b == bundles[0]),
            $"all {entries} entries carry one caBundle",
            TimeSpan.FromSeconds(30));
        var ca = (string?)kube.Get(ResourceType.Secret, "mesh-system", "mesh-webhook-tls")["data"]!["ca.crt"];
        Assert.All(Bundles(kube), bundle => Assert.Equal(ca, bundle));
    }

    private static List<string?> Bundles(FakeKube kube) =>
        [.. kube.Get(FakeKube.MutatingWebhookConfigurations, null, "mesh-sidecar-injector")["webhooks"]!.AsArray()
            .Select(w => (string?)w!["clientConfig"]!["caBundle"])];
}
