using System.Text;
using System.Text.Json.Nodes;
using Mesh.Operator.Injection;

namespace Mesh.Operator.Tests.Injection;

/// <summary>
/// The template's tracing and report settings reach the injected sidecar as the proxy's <c>MESH_*</c> variables, and a
/// pod's annotations override them; the patches are applied by fast-json-patch, not by code of ours.
/// </summary>
public sealed class SidecarTracingTests
{
    private const string Zipkin = "http://zipkin.observability:9411/api/v2/spans";
    private const string Otlp = "http://otel-collector.observability:4318";

    private static readonly string[] Variables = ["MESH_OTLP_ENDPOINT", "MESH_ZIPKIN_ENDPOINT", "MESH_TRACE_PROPAGATION", "MESH_TRAFFIC_REPORT_INTERVAL"];

    [Fact]
    public async Task The_default_template_sets_no_tracing_variable_so_the_proxy_keeps_its_defaults()
    {
        await using var server = await WebhookServer.StartAsync();

        var env = ProxyEnv(await InjectAsync(server, AdmissionReviews.RealisticPod()));

        Assert.All(Variables, name => Assert.False(env.ContainsKey(name), $"{name} is set"));
    }

    [Fact]
    public async Task Template_tracing_and_report_interval_reach_the_sidecars_environment()
    {
        await using var server = await WebhookServer.StartAsync(Traced);

        var env = ProxyEnv(await InjectAsync(server, AdmissionReviews.RealisticPod()));

        Assert.Equal(Otlp, env["MESH_OTLP_ENDPOINT"]);
        Assert.Equal(Zipkin, env["MESH_ZIPKIN_ENDPOINT"]);
        Assert.Equal("w3c,b3", env["MESH_TRACE_PROPAGATION"]);
        Assert.Equal("0", env["MESH_TRAFFIC_REPORT_INTERVAL"]);
    }

    [Fact]
    public async Task A_pods_annotations_override_the_template_and_an_empty_one_restores_the_proxys_default()
    {
        await using var server = await WebhookServer.StartAsync(Traced);
        var pod = AdmissionReviews.RealisticPod();
        pod.Annotations()["mesh.io/zipkin-endpoint"] = " http://jaeger.tracing:9411/api/v2/spans ";
        pod.Annotations()["mesh.io/otlp-endpoint"] = "";
        pod.Annotations()["mesh.io/trace-propagation"] = "b3multi";

        var env = ProxyEnv(await InjectAsync(server, pod));

        Assert.Equal("http://jaeger.tracing:9411/api/v2/spans", env["MESH_ZIPKIN_ENDPOINT"]);
        Assert.False(env.ContainsKey("MESH_OTLP_ENDPOINT"));
        Assert.Equal("b3multi", env["MESH_TRACE_PROPAGATION"]);

        pod.Annotations()["mesh.io/trace-propagation"] = "";
        Assert.False(ProxyEnv(await InjectAsync(server, pod)).ContainsKey("MESH_TRACE_PROPAGATION"));
    }

    private static void Traced(InjectionOptions options)
    {
        options.Tracing = new TracingTemplate { OtlpEndpoint = Otlp, ZipkinEndpoint = Zipkin, Propagation = "w3c,b3" };
        options.TrafficReportInterval = "0";
    }

    private static async Task<JsonObject> InjectAsync(WebhookServer server, JsonObject pod)
    {
        var response = (await server.ReviewAsync(AdmissionReviews.For(pod)))["response"]!;
        Assert.True((bool)response["allowed"]!, response.ToJsonString());
        var patch = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String((string)response["patch"]!)))!.AsArray();
        return await JsonPatchPeer.ApplyAsync(pod, patch);
    }

    private static Dictionary<string, string?> ProxyEnv(JsonObject pod) =>
        pod["spec"]!["initContainers"]!.AsArray()
            .Single(c => (string?)c!["name"] == SidecarTemplate.ProxyName)!["env"]!.AsArray()
            .ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"]);
}
