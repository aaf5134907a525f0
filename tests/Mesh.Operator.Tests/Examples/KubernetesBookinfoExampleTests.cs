using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Mesh.Operator.Cli;
using Mesh.Operator.Manifests;

namespace Mesh.Operator.Tests.Examples;

/// <summary>examples/kubernetes/bookinfo passes analyze, and its Kubernetes objects parse and fit together.</summary>
public sealed partial class KubernetesBookinfoExampleTests
{
    private static readonly string BookinfoDirectory = TestPaths.InRepository("examples", "kubernetes", "bookinfo");

    private static string[] Manifests => [.. Directory.GetFiles(BookinfoDirectory, "*.yaml").Order(StringComparer.Ordinal)];

    private static List<JsonObject> Objects =>
        [.. Manifests.SelectMany(f => YamlJsonReader.Read(File.ReadAllText(f))).Select(d => d.Root).OfType<JsonObject>()];

    [Fact]
    public void Analyze_exits_0_with_warnings_only_for_what_the_cluster_supplies_at_run_time()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = MeshCli.Run(["analyze", .. Manifests], output, error);

        Assert.Equal((0, ""), (code, error.ToString()));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Offline there are no pods yet: the Deployments create them, so subsets select no endpoint until then
        // (Every_service_and_every_destination_rule_subset_selects_some_deployments_pods checks they will).
        Assert.Equal(10, lines.Count(line => line.Contains(" is not read by the mesh; ignored", StringComparison.Ordinal)));
        Assert.All(lines, line => Assert.True(
            line.Contains("warning: apps/v1 Deployment is not read by the mesh; ignored", StringComparison.Ordinal)
            || line.Contains("warning: v1 ServiceAccount is not read by the mesh; ignored", StringComparison.Ordinal)
            || UnpopulatedSubset().IsMatch(line),
            line));
    }

    [Fact]
    public void Every_object_parses_and_every_deployment_runs_a_bookinfo_image_under_its_own_service_account()
    {
        var objects = Objects;
        var deployments = objects.Where(o => (string?)o["kind"] == "Deployment").ToList();
        var accounts = objects.Where(o => (string?)o["kind"] == "ServiceAccount").Select(o => (string?)o["metadata"]!["name"]).ToHashSet();

        Assert.All(objects, o => Assert.Equal("default", (string?)o["metadata"]!["namespace"]));
        Assert.Equal(
            ["details-v1", "productpage-v1", "ratings-v1", "reviews-v1", "reviews-v2", "reviews-v3"],
            deployments.Select(d => (string)d["metadata"]!["name"]!).Order(StringComparer.Ordinal));
        foreach (var deployment in deployments)
        {
            var name = (string)deployment["metadata"]!["name"]!;
            var template = deployment["spec"]!["template"]!;
            var labels = template["metadata"]!["labels"]!.AsObject();
            var app = (string)labels["app"]!;
            Assert.True(Selects(deployment["spec"]!["selector"]!["matchLabels"]!.AsObject(), labels), $"{name}: its selector selects its pods");
            Assert.Equal($"docker.io/istio/examples-bookinfo-{name}:1.20.2", (string?)template["spec"]!["containers"]![0]!["image"]);
            Assert.Contains((string?)template["spec"]!["serviceAccountName"], accounts);
            Assert.Equal($"bookinfo-{app}", (string?)template["spec"]!["serviceAccountName"]);
        }
    }

    [Fact]
    public void Every_service_and_every_destination_rule_subset_selects_some_deployments_pods()
    {
        var objects = Objects;
        var podLabels = objects.Where(o => (string?)o["kind"] == "Deployment")
            .Select(d => d["spec"]!["template"]!["metadata"]!["labels"]!.AsObject()).ToList();

        var services = objects.Where(o => (string?)o["kind"] == "Service").ToList();
        Assert.Equal(4, services.Count);
        Assert.All(services, s => Assert.Contains(podLabels, labels => Selects(s["spec"]!["selector"]!.AsObject(), labels)));
        foreach (var rule in objects.Where(o => (string?)o["kind"] == "DestinationRule"))
        {
            var host = (string)rule["spec"]!["host"]!;
            foreach (var subset in rule["spec"]!["subsets"]!.AsArray())
            {
                var selector = new JsonObject(subset!["labels"]!.AsObject().Select(p => KeyValuePair.Create(p.Key, p.Value?.DeepClone())).Append(KeyValuePair.Create("app", (JsonNode?)host)));
                Assert.Contains(podLabels, labels => Selects(selector, labels));
            }
        }
    }

    [GeneratedRegex(@"DestinationRule default/(\w+): spec\.subsets\[\d+\]\.labels: warning: selects no endpoint of \1\.default\.svc\.cluster\.local$")]
    private static partial Regex UnpopulatedSubset();

    private static bool Selects(JsonObject selector, JsonObject labels) =>
        selector.All(p => labels[p.Key] is JsonValue value && (string?)value == (string?)p.Value);
}
