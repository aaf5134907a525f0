using System.Text;
using System.Text.Json.Nodes;

namespace Mesh.Operator.Tests.Injection;

/// <summary>The webhook over a real socket; every patch it returns is applied by fast-json-patch, then the pod is inspected.</summary>
public sealed class InjectionWebhookTests
{
    [Fact]
    public async Task Native_sidecar_goes_first_in_init_containers_after_mesh_init_with_locked_down_security()
    {
        await using var server = await WebhookServer.StartAsync();
        var pod = (await InjectAsync(server, AdmissionReviews.RealisticPod()))!;

        var spec = pod["spec"]!;
        Assert.Equal(["mesh-init", "mesh-proxy"], Names(spec["initContainers"]));
        Assert.Equal(["reviews"], Names(spec["containers"]));
        Assert.Equal(["tmp", "mesh-proxy-tmp"], Names(spec["volumes"]));

        var proxy = spec["initContainers"]![1]!;
        Assert.Equal("Always", (string?)proxy["restartPolicy"]);
        Assert.Equal("ghcr.io/mesh/mesh-proxy:0.1.0", (string?)proxy["image"]);
        var security = proxy["securityContext"]!;
        Assert.Equal(1337, (long)security["runAsUser"]!);
        Assert.Equal(1337, (long)security["runAsGroup"]!);
        Assert.True((bool)security["runAsNonRoot"]!);
        Assert.True((bool)security["readOnlyRootFilesystem"]!);
        Assert.False((bool)security["allowPrivilegeEscalation"]!);
        Assert.Equal(["ALL"], Strings(security["capabilities"]!["drop"]));
        Assert.Null(security["capabilities"]!["add"]);

        Assert.Equal([15001, 15006, 15000], proxy["ports"]!.AsArray().Select(p => (long)p!["containerPort"]!));
        Assert.Equal("mesh-admin", (string?)proxy["ports"]![2]!["name"]);
        foreach (var probe in new[] { "readinessProbe", "startupProbe" })
        {
            Assert.Equal("/ready", (string?)proxy[probe]!["httpGet"]!["path"]);
            Assert.Equal(15000, (long)proxy[probe]!["httpGet"]!["port"]!);
        }

        Assert.Equal("100m", (string?)proxy["resources"]!["requests"]!["cpu"]);
        Assert.Equal("128Mi", (string?)proxy["resources"]!["requests"]!["memory"]);
        Assert.Equal("1", (string?)proxy["resources"]!["limits"]!["cpu"]);
        Assert.Equal("512Mi", (string?)proxy["resources"]!["limits"]!["memory"]);

        var env = Env(proxy);
        Assert.Equal("metadata.name", (string?)env["POD_NAME"]!["valueFrom"]!["fieldRef"]!["fieldPath"]);
        Assert.Equal("metadata.namespace", (string?)env["POD_NAMESPACE"]!["valueFrom"]!["fieldRef"]!["fieldPath"]);
        Assert.Equal("spec.serviceAccountName", (string?)env["MESH_SERVICE_ACCOUNT"]!["valueFrom"]!["fieldRef"]!["fieldPath"]);
        Assert.Equal("status.podIP", (string?)env["MESH_IP"]!["valueFrom"]!["fieldRef"]!["fieldPath"]);
        Assert.Equal("http://mesh-operator.mesh-system.svc:15010", (string?)env["MESH_DISCOVERY_ADDRESS"]!["value"]);
        Assert.Equal("$(POD_NAMESPACE)/$(POD_NAME)", (string?)env["MESH_NODE_ID"]!["value"]);
        Assert.Equal("$(POD_NAMESPACE)", (string?)env["MESH_NAMESPACE"]!["value"]);
        Assert.Equal("app=reviews,pod-template-hash=7d4f9c8b6,version=v1", (string?)env["MESH_LABELS"]!["value"]);
        Assert.Equal("9080", (string?)env["MESH_APP_PORT"]!["value"]);
        Assert.Equal("0.0.0.0", (string?)env["MESH_BIND_ADDRESS"]!["value"]);
        Assert.False(env.ContainsKey("MESH_LOG_LEVEL"));
        // POD_* must precede their $(...) uses: Kubernetes expands only variables defined earlier.
        var order = proxy["env"]!.AsArray().Select(e => (string)e!["name"]!).ToList();
        Assert.True(order.IndexOf("POD_NAMESPACE") < order.IndexOf("MESH_NODE_ID") && order.IndexOf("POD_NAME") < order.IndexOf("MESH_NODE_ID"));

        var init = spec["initContainers"]![0]!;
        Assert.Null(init["restartPolicy"]);
        Assert.Equal(["init-iptables", "--proxy-uid", "1337", "--outbound-port", "15001", "--inbound-port", "15006", "--exclude-inbound-ports", "15000"], Strings(init["args"]));
        var initSecurity = init["securityContext"]!;
        Assert.Equal(0, (long)initSecurity["runAsUser"]!);
        Assert.False((bool)initSecurity["runAsNonRoot"]!);
        Assert.Equal(["NET_ADMIN", "NET_RAW"], Strings(initSecurity["capabilities"]!["add"]));
        Assert.Equal(["ALL"], Strings(initSecurity["capabilities"]!["drop"]));

        var status = JsonNode.Parse((string)pod.Annotations()["mesh.io/status"]!)!;
        Assert.Equal(["mesh-init", "mesh-proxy"], Strings(status["initContainers"]));
        Assert.Empty(status["containers"]!.AsArray());
        Assert.Matches("^[0-9a-f]{12}$", (string?)status["version"]);

        // Nothing of the pod's own is lost.
        Assert.Equal("true", (string?)pod.Annotations()["mesh.io/inject"]);
        Assert.Equal("reviews-v1-7d4f9c8b6", (string?)pod["metadata"]!["ownerReferences"]![0]!["name"]);
        Assert.Equal("/tmp/logs", (string?)pod["spec"]!["containers"]![0]!["env"]![0]!["value"]);
        Assert.Equal([("injected", "pod-annotation")], server.Recorded);
    }

    [Fact]
    public async Task Reinvocation_on_the_injected_pod_returns_no_patch()
    {
        await using var server = await WebhookServer.StartAsync();
        var injected = (await InjectAsync(server, AdmissionReviews.RealisticPod()))!;

        Assert.Null(await InjectAsync(server, injected));
        Assert.Equal([("injected", "pod-annotation"), ("skipped", "already-injected")], server.Recorded);
    }

    [Fact]
    public async Task Without_native_sidecars_the_proxy_is_the_first_container_and_has_no_startup_probe()
    {
        await using var server = await WebhookServer.StartAsync(o => o.NativeSidecars = false);
        var pod = (await InjectAsync(server, AdmissionReviews.RealisticPod()))!;

        Assert.Equal(["mesh-init"], Names(pod["spec"]!["initContainers"]));
        Assert.Equal(["mesh-proxy", "reviews"], Names(pod["spec"]!["containers"]));
        var proxy = pod["spec"]!["containers"]![0]!;
        Assert.Null(proxy["restartPolicy"]);
        Assert.Null(proxy["startupProbe"]);
        Assert.NotNull(proxy["readinessProbe"]);
        var status = JsonNode.Parse((string)pod.Annotations()["mesh.io/status"]!)!;
        Assert.Equal(["mesh-proxy"], Strings(status["containers"]));
        Assert.Equal(["mesh-init"], Strings(status["initContainers"]));
    }

    [Fact]
    public async Task Template_options_reach_the_injected_containers_and_change_the_status_version()
    {
        string defaultVersion;
        await using (var defaults = await WebhookServer.StartAsync())
        {
            var pod = (await InjectAsync(defaults, AdmissionReviews.RealisticPod()))!;
            defaultVersion = (string)JsonNode.Parse((string)pod.Annotations()["mesh.io/status"]!)!["version"]!;
        }

        await using var server = await WebhookServer.StartAsync(o =>
        {
            o.ProxyImage = "registry.example/mesh-proxy:0.2.0";
            o.ImagePullPolicy = "Always";
            o.DiscoveryAddress = "http://operator.mesh:15010";
            o.AdminPort = 15090;
            o.ProxyUid = 2000;
        });
        var patched = (await InjectAsync(server, AdmissionReviews.RealisticPod()))!;

        var init = patched["spec"]!["initContainers"]![0]!;
        var proxy = patched["spec"]!["initContainers"]![1]!;
        Assert.All(new[] { init, proxy }, c => Assert.Equal("registry.example/mesh-proxy:0.2.0", (string?)c["image"]));
        Assert.All(new[] { init, proxy }, c => Assert.Equal("Always", (string?)c["imagePullPolicy"]));
        Assert.Equal("http://operator.mesh:15010", (string?)Env(proxy)["MESH_DISCOVERY_ADDRESS"]!["value"]);
        Assert.Equal("15090", (string?)Env(proxy)["MESH_ADMIN_PORT"]!["value"]);
        Assert.Equal(15090, (long)proxy["readinessProbe"]!["httpGet"]!["port"]!);
        Assert.Equal(15090, (long)proxy["startupProbe"]!["httpGet"]!["port"]!);
        Assert.Equal(2000, (long)proxy["securityContext"]!["runAsUser"]!);
        Assert.Equal(["init-iptables", "--proxy-uid", "2000", "--outbound-port", "15001", "--inbound-port", "15006", "--exclude-inbound-ports", "15090"], Strings(init["args"]));
        var version = (string)JsonNode.Parse((string)patched.Annotations()["mesh.io/status"]!)!["version"]!;
        Assert.NotEqual(defaultVersion, version);
    }

    [Fact]
    public async Task Labelled_namespace_injects_a_bare_pod_creating_annotations_init_containers_and_volumes()
    {
        await using var server = await WebhookServer.StartAsync();
        server.LabelNamespace("shop", "mesh.io/injection", "enabled");
        var bare = JsonNode.Parse("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"cart","namespace":"shop"},"spec":{"containers":[{"name":"cart","image":"cart:1"}]}}""")!.AsObject();

        var patch = await PatchAsync(server, AdmissionReviews.For(bare, "shop"));
        Assert.Contains(patch, op => (string?)op!["path"] == "/metadata/annotations" && op["value"] is JsonObject);
        Assert.Contains(patch, op => (string?)op!["path"] == "/spec/initContainers" && op["value"] is JsonArray);
        var pod = await JsonPatchPeer.ApplyAsync(bare, patch);

        Assert.Equal(["mesh-init", "mesh-proxy"], Names(pod["spec"]!["initContainers"]));
        Assert.Equal(["mesh-proxy-tmp"], Names(pod["spec"]!["volumes"]));
        Assert.True(pod.Annotations().ContainsKey("mesh.io/status"));
        var env = Env(pod["spec"]!["initContainers"]![1]!);
        Assert.Equal("", (string?)env["MESH_LABELS"]!["value"]);
        Assert.False(env.ContainsKey("MESH_APP_PORT"));
        Assert.Equal([("injected", "namespace-label")], server.Recorded);
    }

    [Fact]
    public async Task Existing_annotations_and_init_containers_are_added_to_with_escaped_pointers()
    {
        await using var server = await WebhookServer.StartAsync();
        var pod = AdmissionReviews.RealisticPod();
        pod["spec"]!["initContainers"] = new JsonArray(new JsonObject { ["name"] = "migrate", ["image"] = "migrate:1" });

        var patch = await PatchAsync(server, AdmissionReviews.For(pod));
        Assert.Contains(patch, op => (string?)op!["path"] == "/metadata/annotations/mesh.io~1status");
        var patched = await JsonPatchPeer.ApplyAsync(pod, patch);

        Assert.Equal(["mesh-init", "mesh-proxy", "migrate"], Names(patched["spec"]!["initContainers"]));
        Assert.Equal(2 + 1, patched.Annotations().Count);
    }

    [Fact]
    public async Task Every_field_pod_from_kubernetes_keeps_its_fields_when_injected()
    {
        await using var server = await WebhookServer.StartAsync();
        var pod = JsonNode.Parse(File.ReadAllText(TestPaths.TestData("core.v1.Pod.json")))!.AsObject();
        pod["spec"]!["hostNetwork"] = false;
        pod.Annotations()["mesh.io/inject"] = "true";

        var patched = (await InjectAsync(server, pod))!;

        Assert.Equal(["mesh-init", "mesh-proxy", "nameValue"], Names(patched["spec"]!["initContainers"]));
        Assert.Equal(["nameValue"], Names(patched["spec"]!["containers"]));
        Assert.Equal("annotationsValue", (string?)patched.Annotations()["annotationsKey"]);
        // Apart from what injection added, the pod is exactly what was admitted.
        patched["spec"]!["initContainers"]!.AsArray().RemoveRange(0, 2);
        patched["spec"]!["volumes"]!.AsArray().RemoveAt(patched["spec"]!["volumes"]!.AsArray().Count - 1);
        patched.Annotations().Remove("mesh.io/status");
        Assert.True(JsonNode.DeepEquals(pod, patched), patched.ToJsonString());
    }

    [Fact]
    public async Task Override_annotations_set_resources_log_level_and_capture_exclusions()
    {
        await using var server = await WebhookServer.StartAsync();
        var pod = AdmissionReviews.RealisticPod();
        var annotations = pod.Annotations();
        annotations["mesh.io/proxy-cpu"] = "250m";
        annotations["mesh.io/proxy-memory"] = "1Gi";
        annotations["mesh.io/proxy-memory-limit"] = "2Gi";
        annotations["mesh.io/proxy-log-level"] = "debug";
        annotations["mesh.io/exclude-inbound-ports"] = "8080, 9090";
        annotations["mesh.io/exclude-outbound-ports"] = "5432";
        annotations["mesh.io/exclude-outbound-ip-ranges"] = "10.0.0.0/8,fd00::/8";

        var patched = (await InjectAsync(server, pod))!;

        var proxy = patched["spec"]!["initContainers"]![1]!;
        Assert.Equal("250m", (string?)proxy["resources"]!["requests"]!["cpu"]);
        Assert.Equal("1", (string?)proxy["resources"]!["limits"]!["cpu"]);
        Assert.Equal("1Gi", (string?)proxy["resources"]!["requests"]!["memory"]);
        Assert.Equal("2Gi", (string?)proxy["resources"]!["limits"]!["memory"]);
        Assert.Equal("debug", (string?)Env(proxy)["MESH_LOG_LEVEL"]!["value"]);
        Assert.Equal(
            ["init-iptables", "--proxy-uid", "1337", "--outbound-port", "15001", "--inbound-port", "15006", "--exclude-inbound-ports", "15000,8080,9090",
             "--exclude-outbound-ports", "5432", "--exclude-outbound-ip-ranges", "10.0.0.0/8,fd00::/8"],
            Strings(patched["spec"]!["initContainers"]![0]!["args"]));
    }

    [Theory]
    [InlineData("mesh.io/proxy-cpu", "lots")]
    [InlineData("mesh.io/proxy-memory", "1 GB")]
    [InlineData("mesh.io/proxy-cpu-limit", "2 cores")]
    [InlineData("mesh.io/proxy-memory-limit", "-1Gi")]
    [InlineData("mesh.io/proxy-cpu", "2")]
    [InlineData("mesh.io/proxy-memory-limit", "64Mi")]
    [InlineData("mesh.io/proxy-log-level", "loud")]
    [InlineData("mesh.io/exclude-inbound-ports", "80,http")]
    [InlineData("mesh.io/exclude-outbound-ports", "70000")]
    [InlineData("mesh.io/exclude-outbound-ip-ranges", "10.0.0.0/33")]
    [InlineData("mesh.io/otlp-endpoint", "otel-collector:4318")]
    [InlineData("mesh.io/zipkin-endpoint", "zipkin")]
    [InlineData("mesh.io/trace-propagation", "jaeger")]
    public async Task A_malformed_override_denies_the_pod_naming_the_annotation(string annotation, string value)
    {
        await using var server = await WebhookServer.StartAsync();
        var pod = AdmissionReviews.RealisticPod();
        pod.Annotations()[annotation] = value;

        var response = (await server.ReviewAsync(AdmissionReviews.For(pod)))["response"]!;

        Assert.False((bool)response["allowed"]!);
        Assert.Null(response["patch"]);
        Assert.Contains(annotation, (string?)response["status"]!["message"], StringComparison.Ordinal);
        Assert.Equal(400, (long)response["status"]!["code"]!);
        Assert.Equal([("denied", "invalid-pod")], server.Recorded);
    }

    [Theory]
    [InlineData("host-network")]
    [InlineData("kube-system")]
    [InlineData("opted-out")]
    [InlineData("not-enabled")]
    public async Task Skipped_pods_are_allowed_unpatched_and_counted_with_the_reason(string reason)
    {
        await using var server = await WebhookServer.StartAsync();
        var pod = AdmissionReviews.RealisticPod();
        var ns = "bookinfo";
        server.LabelNamespace("kube-system", "mesh.io/injection", "enabled");
        server.LabelNamespace("bookinfo", "mesh.io/injection", "enabled");
        switch (reason)
        {
            case "host-network":
                pod["spec"]!["hostNetwork"] = true;
                break;
            case "kube-system":
                ns = "kube-system";
                break;
            case "opted-out":
                pod.Annotations()["mesh.io/inject"] = "false";
                break;
            default:
                pod.Annotations().Remove("mesh.io/inject");
                ns = "unlabelled";
                break;
        }

        Assert.Null(await InjectAsync(server, pod, ns));
        Assert.Equal([("skipped", reason)], server.Recorded);
    }

    [Theory]
    [InlineData("UPDATE", "Pod")]
    [InlineData("CREATE", "Service")]
    public async Task Other_operations_and_resources_are_allowed_without_a_patch(string operation, string kind)
    {
        await using var server = await WebhookServer.StartAsync();
        var review = AdmissionReviews.For(AdmissionReviews.RealisticPod(), operation: operation);
        review["request"]!["kind"]!["kind"] = kind;

        var response = (await server.ReviewAsync(review))["response"]!;

        Assert.Equal(AdmissionReviews.Uid, (string?)response["uid"]);
        Assert.True((bool)response["allowed"]!);
        Assert.Null(response["patch"]);
        Assert.Null(response["patchType"]);
        Assert.Empty(server.Recorded);
    }

    /// <summary>Posts a pod CREATE, checks the response's shape, and returns the pod as patched by fast-json-patch (null: no patch).</summary>
    private static async Task<JsonObject?> InjectAsync(WebhookServer server, JsonObject pod, string @namespace = "bookinfo")
    {
        var review = AdmissionReviews.For(pod, @namespace);
        var patch = await PatchOrNullAsync(server, review);
        return patch is null ? null : await JsonPatchPeer.ApplyAsync(pod, patch);
    }

    private static async Task<JsonArray> PatchAsync(WebhookServer server, JsonObject review)
        => await PatchOrNullAsync(server, review) ?? throw new Xunit.Sdk.XunitException("the webhook returned no patch");

    private static async Task<JsonArray?> PatchOrNullAsync(WebhookServer server, JsonObject review)
    {
        var answer = await server.ReviewAsync(review);
        Assert.Equal("admission.k8s.io/v1", (string?)answer["apiVersion"]);
        Assert.Equal("AdmissionReview", (string?)answer["kind"]);
        var response = answer["response"]!.AsObject();
        Assert.Equal(AdmissionReviews.Uid, (string?)response["uid"]);
        Assert.True((bool)response["allowed"]!);
        Assert.Equal(response.ContainsKey("patch"), response.ContainsKey("patchType"));
        if (!response.ContainsKey("patch"))
        {
            return null;
        }

        Assert.Equal("JSONPatch", (string?)response["patchType"]);
        return JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String((string)response["patch"]!)))!.AsArray();
    }

    private static string[] Names(JsonNode? list) => [.. list!.AsArray().Select(item => (string)item!["name"]!)];

    private static string[] Strings(JsonNode? list) => [.. list!.AsArray().Select(item => (string)item!)];

    private static Dictionary<string, JsonNode> Env(JsonNode container)
        => container["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => e!);
}
