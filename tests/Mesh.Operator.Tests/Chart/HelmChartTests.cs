using System.Text.Json.Nodes;

namespace Mesh.Operator.Tests.Chart;

/// <summary>
/// charts/mesh under the real helm: it lints, renders with the defaults and with each documented switch, and every
/// rendered object passes Kubernetes' own schemas as kubernetes-models checks them.
/// </summary>
public sealed class HelmChartTests
{
    /// <summary>Each documented switch of values.yaml, and what the rendering must show for it.</summary>
    public static TheoryData<string> Switches => [.. SwitchSettings.Keys];

    private static readonly Dictionary<string, (string[] Arguments, Action<IReadOnlyList<JsonObject>> Check)> SwitchSettings = new()
    {
        ["defaults"] = ([], Defaults),
        ["cert-manager with its own issuer"] = (["--set", "webhook.certManager.enabled=true"], CertManagerWithItsOwnIssuer),
        ["cert-manager with a cluster issuer"] = (
            ["--set", "webhook.certManager.enabled=true", "--set", "webhook.certManager.issuerName=corp-ca", "--set", "webhook.certManager.issuerKind=ClusterIssuer"],
            CertManagerWithAClusterIssuer),
        ["replicas"] = (["--set", "operator.replicas=3"], rendered => Assert.Equal(3, (long?)rendered.Single("Deployment")["spec"]!["replicas"])),
        ["custom images and resources"] = (
            [
                "--set", "operator.image.repository=registry.example/mesh-operator", "--set", "operator.image.tag=1.2.3", "--set", "operator.image.pullPolicy=Always",
                "--set", "proxy.image.repository=registry.example/mesh-proxy", "--set", "proxy.image.tag=1.2.3",
                "--set", "operator.resources.limits.memory=2Gi", "--set-string", "injection.resources.cpuLimit=2",
            ],
            CustomImagesAndResources),
        ["webhook failure policy Ignore"] = (["--set", "webhook.failurePolicy=Ignore", "--set", "webhook.timeoutSeconds=5"], WebhookFailurePolicyIgnore),
        ["annotation opt-in off"] = (["--set", "webhook.annotationOptIn=false"], AnnotationOptInOff),
        ["log level"] = (["--set", "operator.logLevel=Debug"], LogLevel),
        ["credential secrets"] = (["--set", "operator.credentialSecrets[0].namespace=shop", "--set", "operator.credentialSecrets[0].names={payments-tls}"], CredentialSecrets),
        ["injection template overrides"] = (
            ["--set", "injection.nativeSidecars=false", "--set", "injection.proxyUid=2000", "--set", "injection.outboundPort=16001", "--set", "injection.inboundPort=16006", "--set", "injection.adminPort=16000"],
            InjectionTemplateOverrides),
        ["tracing and report interval"] = (
            ["--set", "tracing.zipkinEndpoint=http://zipkin.observability:9411/api/v2/spans", "--set", "tracing.propagation=b3", "--set", "injection.trafficReportInterval=10s"],
            TracingAndReportInterval),
        ["grafana dashboards"] = (
            ["--set", "monitoring.grafanaDashboards.enabled=true", "--set", "monitoring.grafanaDashboards.annotations.grafana_folder=Mesh"],
            GrafanaDashboards),
        ["grafana dashboards with another label and namespace"] = (
            ["--set", "monitoring.grafanaDashboards.enabled=true", "--set", "monitoring.grafanaDashboards.label=mesh_dashboard", "--set", "monitoring.grafanaDashboards.labelValue=yes", "--set", "monitoring.grafanaDashboards.namespace=monitoring"],
            GrafanaDashboardsWithAnotherLabelAndNamespace),
        ["native sidecars auto on Kubernetes 1.28"] = (["--kube-version", "1.28.0"], rendered => AssertNativeSidecars(rendered, false)),
        ["native sidecars auto on Kubernetes 1.29"] = (["--kube-version", "v1.29.0-gke.100"], rendered => AssertNativeSidecars(rendered, true)),
        ["native sidecars auto on Kubernetes 1.30"] = (["--kube-version", "1.30.0"], rendered => AssertNativeSidecars(rendered, true)),
        ["native sidecars forced on Kubernetes 1.28"] = (["--kube-version", "1.28.0", "--set", "injection.nativeSidecars=true"], rendered => AssertNativeSidecars(rendered, true)),
        ["native sidecars forced off on Kubernetes 1.30"] = (["--kube-version", "1.30.0", "--set", "injection.nativeSidecars=false"], rendered => AssertNativeSidecars(rendered, false)),
        ["service and pod monitors"] = (["--set", "monitoring.serviceMonitor.enabled=true", "--set", "monitoring.podMonitor.enabled=true"], ServiceAndPodMonitors),
        ["monitors with labels, interval and namespaces"] = (
            [
                "--set", "monitoring.serviceMonitor.enabled=true", "--set", "monitoring.serviceMonitor.labels.release=kps", "--set", "monitoring.serviceMonitor.interval=15s",
                "--set", "monitoring.podMonitor.enabled=true", "--set", "monitoring.podMonitor.labels.release=kps", "--set", "monitoring.podMonitor.namespaces={bookinfo,shop}",
            ],
            MonitorsWithLabelsIntervalAndNamespaces),
    };

    [HelmFact]
    public async Task Helm_lint_passes_with_no_warning()
    {
        var (code, output, error) = await Helm.RunAsync(["lint", ChartFiles.Root, "--strict"]);

        Assert.True(code == 0, $"helm lint failed ({code}):\n{output}\n{error}");
        Assert.Contains("1 chart(s) linted, 0 chart(s) failed", output, StringComparison.Ordinal);
    }

    [HelmTheory]
    [MemberData(nameof(Switches))]
    public async Task Every_object_rendered_with_a_documented_switch_passes_kubernetes_schemas(string setting)
    {
        var (arguments, check) = SwitchSettings[setting];

        var rendered = await Helm.TemplateAsync(arguments);
        var verdicts = await KubeSchemas.BuiltinAsync(rendered);

        check(rendered);
        Assert.Contains(rendered, o => (string?)o["kind"] == "CustomResourceDefinition");
        var problems = KubeSchemas.Problems(rendered, verdicts);
        Assert.True(problems.Count == 0, "rendered objects that fail Kubernetes' schemas or have no schema:\n" + string.Join('\n', problems));
    }

    [HelmFact]
    public async Task A_template_that_breaks_a_schema_fails_validation()
    {
        // A copy of the chart whose Deployment renders replicas as a string: helm renders it, the API server would not take it.
        using var copy = ChartCopy.Create();
        copy.Edit("templates/deployment.yaml", "replicas: {{ .Values.operator.replicas }}", "replicas: \"{{ .Values.operator.replicas }}\"");

        var rendered = await Helm.TemplateAsync(chart: copy.Root);
        var verdicts = await KubeSchemas.BuiltinAsync(rendered);

        var problem = Assert.Single(KubeSchemas.Problems(rendered, verdicts));
        Assert.Contains("Deployment mesh-operator: invalid", problem, StringComparison.Ordinal);
        Assert.Contains("/spec/replicas must be integer", problem, StringComparison.Ordinal);
    }

    [HelmFact]
    public async Task An_object_of_a_kind_without_a_schema_is_reported_not_passed()
    {
        var unknown = new JsonObject { ["apiVersion"] = "example.com/v1", ["kind"] = "Widget", ["metadata"] = new JsonObject { ["name"] = "w" } };

        var verdict = Assert.Single(await KubeSchemas.BuiltinAsync([unknown]));

        Assert.Equal("unknown-kind", verdict.Status);
        Assert.Single(KubeSchemas.Problems([unknown], [verdict]));
    }

    [HelmTheory]
    [InlineData("operator.replicas=two", "at '/operator/replicas': got string, want integer")]
    [InlineData("webhook.failurePolicy=Sometimes", "at '/webhook/failurePolicy': value must be one of 'Fail', 'Ignore'")]
    [InlineData("webhook.annotationOptIn=maybe", "at '/webhook/annotationOptIn': got string, want boolean")]
    [InlineData("operator.replica=3", "additional properties 'replica' not allowed")]
    [InlineData("monitoring.podMonitor.interval=30", "at '/monitoring/podMonitor/interval': got number, want string")]
    [InlineData("monitoring.serviceMonitor.interval=soon", "at '/monitoring/serviceMonitor/interval'")]
    [InlineData("tracing.zipkinEndpoint=zipkin:9411", "at '/tracing/zipkinEndpoint'")]
    [InlineData("tracing.propagation=jaeger", "at '/tracing/propagation'")]
    [InlineData("injection.nativeSidecars=sometimes", "at '/injection/nativeSidecars'")]
    public async Task Values_schema_rejects_a_wrong_value_with_helms_own_error(string setting, string expected)
    {
        var (code, _, error) = await Helm.RunAsync(["template", Helm.Release, ChartFiles.Root, "--namespace", Helm.Namespace, "--set", setting]);

        Assert.NotEqual(0, code);
        Assert.Contains("values don't meet the specifications of the schema", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [HelmFact]
    public async Task The_packaged_chart_is_named_for_its_version_and_installs_as_the_readme_says()
    {
        var output = Directory.CreateTempSubdirectory("mesh-chart-package-");
        try
        {
            var (code, _, error) = await Helm.RunAsync(["package", ChartFiles.Root, "--destination", output.FullName]);
            Assert.True(code == 0, $"helm package failed ({code}): {error}");
            var version = (string?)ChartFiles.ReadPlain(Path.Combine(ChartFiles.Root, "Chart.yaml")).Single()["version"];
            var package = Path.Combine(output.FullName, $"mesh-{version}.tgz");
            Assert.True(File.Exists(package), $"no {package}");

            // The README's install line, with the package in place of the folder; --dry-run=client needs no cluster.
            var install = await Helm.RunAsync(["install", "mesh", package, "-n", "mesh-system", "--create-namespace", "--dry-run=client"]);
            Assert.True(install.ExitCode == 0, $"helm install from the package failed ({install.ExitCode}): {install.Error}");
            Assert.Contains("kind: MutatingWebhookConfiguration", install.Output, StringComparison.Ordinal);

            var fromPackage = await Helm.TemplateAsync(chart: package);
            var fromFolder = await Helm.TemplateAsync();
            Assert.Equal(fromFolder.Select(o => o.ToJsonString()), fromPackage.Select(o => o.ToJsonString()));
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static void Defaults(IReadOnlyList<JsonObject> rendered)
    {
        Assert.Equal(2, (long?)rendered.Single("Deployment")["spec"]!["replicas"]);
        Assert.DoesNotContain(rendered, o => ((string?)o["apiVersion"])!.StartsWith("cert-manager.io/", StringComparison.Ordinal));
        Assert.DoesNotContain(rendered, o => ((string?)o["apiVersion"])!.StartsWith("monitoring.coreos.com/", StringComparison.Ordinal));
        Assert.Equal(["mesh-injection-template"], rendered.Where(o => (string?)o["kind"] == "ConfigMap").Select(o => (string?)o["metadata"]!["name"]));
    }

    private static void CertManagerWithItsOwnIssuer(IReadOnlyList<JsonObject> rendered)
    {
        Assert.Equal("mesh-webhook-tls", (string?)rendered.Single("Certificate")["spec"]!["secretName"]);
        Assert.Equal("Issuer", (string?)rendered.Single("Certificate")["spec"]!["issuerRef"]!["kind"]);
        Assert.Equal("mesh-system/mesh-webhook-tls", (string?)rendered.Single("MutatingWebhookConfiguration")["metadata"]!["annotations"]!["cert-manager.io/inject-ca-from"]);
    }

    private static void CertManagerWithAClusterIssuer(IReadOnlyList<JsonObject> rendered)
    {
        var issuer = rendered.Single("Certificate")["spec"]!["issuerRef"]!;
        Assert.Equal(("corp-ca", "ClusterIssuer"), ((string?)issuer["name"], (string?)issuer["kind"]));
        Assert.DoesNotContain(rendered, o => (string?)o["kind"] == "Issuer");
    }

    private static void CustomImagesAndResources(IReadOnlyList<JsonObject> rendered)
    {
        var container = rendered.Single("Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal(("registry.example/mesh-operator:1.2.3", "Always"), ((string?)container["image"], (string?)container["imagePullPolicy"]));
        Assert.Equal("2Gi", (string?)container["resources"]!["limits"]!["memory"]);
        var template = (string)rendered.Single("ConfigMap")["data"]!["template.yaml"]!;
        Assert.Contains("proxyImage: \"registry.example/mesh-proxy:1.2.3\"", template, StringComparison.Ordinal);
        Assert.Contains("cpuLimit: \"2\"", template, StringComparison.Ordinal);
    }

    private static void WebhookFailurePolicyIgnore(IReadOnlyList<JsonObject> rendered) =>
        Assert.Equal(
            [("namespace.sidecar-injector.mesh.io", "Ignore", 5), ("pod-label.sidecar-injector.mesh.io", "Ignore", 5), ("annotation.sidecar-injector.mesh.io", "Ignore", 3)],
            rendered.Single("MutatingWebhookConfiguration")["webhooks"]!.AsArray().Select(w => ((string?)w!["name"], (string?)w["failurePolicy"], (long?)w["timeoutSeconds"])));

    private static void AnnotationOptInOff(IReadOnlyList<JsonObject> rendered) =>
        Assert.Equal(
            ["namespace.sidecar-injector.mesh.io", "pod-label.sidecar-injector.mesh.io"],
            rendered.Single("MutatingWebhookConfiguration")["webhooks"]!.AsArray().Select(w => (string?)w!["name"]));

    // tls.credentialName: get on exactly the listed Secrets and their -cacert companions, in their namespace only.
    private static void CredentialSecrets(IReadOnlyList<JsonObject> rendered)
    {
        var role = rendered.Single(o => (string?)o["kind"] == "Role" && (string?)o["metadata"]!["name"] == "mesh-operator-credentials");
        Assert.Equal("shop", (string?)role["metadata"]!["namespace"]);
        var rule = Assert.Single(role["rules"]!.AsArray())!;
        Assert.Equal(["get"], rule["verbs"]!.AsArray().Select(v => (string?)v));
        Assert.Equal(["payments-tls", "payments-tls-cacert"], rule["resourceNames"]!.AsArray().Select(v => (string?)v));
        var binding = rendered.Single(o => (string?)o["kind"] == "RoleBinding" && (string?)o["metadata"]!["name"] == "mesh-operator-credentials");
        Assert.Equal("mesh-operator", (string?)binding["subjects"]![0]!["name"]);
    }

    private static void LogLevel(IReadOnlyList<JsonObject> rendered)
    {
        var args = rendered.Single("Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!.AsArray().Select(a => (string?)a).ToList();
        Assert.Equal("Debug", args[args.IndexOf("--log-level") + 1]);
    }

    private static void GrafanaDashboards(IReadOnlyList<JsonObject> rendered)
    {
        var dashboards = Dashboards(rendered);
        Assert.Equal(["mesh-dashboard-control-plane", "mesh-dashboard-services", "mesh-dashboard-workloads"], dashboards.Select(d => (string?)d["metadata"]!["name"]));
        Assert.All(dashboards, d =>
        {
            Assert.Equal("mesh-system", (string?)d["metadata"]!["namespace"]);
            Assert.Equal("Mesh", (string?)d["metadata"]!["annotations"]!["grafana_folder"]);
            var (file, json) = Assert.Single(d["data"]!.AsObject());
            Assert.Equal(File.ReadAllText(Path.Combine(ChartFiles.Root, "dashboards", file)).TrimEnd(), (string?)json);
        });
    }

    private static void GrafanaDashboardsWithAnotherLabelAndNamespace(IReadOnlyList<JsonObject> rendered) =>
        Assert.All(Dashboards(rendered, "mesh_dashboard", "yes"), d => Assert.Equal("monitoring", (string?)d["metadata"]!["namespace"]));

    /// <summary>The dashboards' ConfigMaps: exactly those carrying the sidecar's label with its value.</summary>
    private static List<JsonObject> Dashboards(IReadOnlyList<JsonObject> rendered, string label = "grafana_dashboard", string value = "1")
    {
        var configMaps = rendered.Where(o => (string?)o["kind"] == "ConfigMap").ToList();
        var dashboards = configMaps.Where(o => (string?)o["metadata"]!["labels"]![label] == value).ToList();
        Assert.Equal(3, dashboards.Count);
        Assert.Equal(configMaps.Count - 1, dashboards.Count);
        return dashboards;
    }

    private static void ServiceAndPodMonitors(IReadOnlyList<JsonObject> rendered)
    {
        // The ServiceMonitor selects the operator's Service by its labels and scrapes a port that Service names.
        var serviceMonitor = rendered.Single("ServiceMonitor")["spec"]!;
        var service = rendered.Single("Service");
        Assert.All(
            serviceMonitor["selector"]!["matchLabels"]!.AsObject(),
            label => Assert.Equal((string?)label.Value, (string?)service["metadata"]!["labels"]![label.Key]));
        Assert.Equal(["mesh-system"], serviceMonitor["namespaceSelector"]!["matchNames"]!.AsArray().Select(n => (string?)n));
        var endpoint = Assert.Single(serviceMonitor["endpoints"]!.AsArray())!;
        Assert.Equal(("/metrics", "30s"), ((string?)endpoint["path"], (string?)endpoint["interval"]));
        var port = service["spec"]!["ports"]!.AsArray().Single(p => (string?)p!["name"] == (string?)endpoint["port"])!;
        Assert.Equal(15014, (long?)port["targetPort"]);

        // The PodMonitor takes, in every namespace, the pods with the injected sidecar's admin port (SidecarTemplate names it).
        var podMonitor = rendered.Single("PodMonitor")["spec"]!;
        Assert.Empty(podMonitor["selector"]!.AsObject());
        Assert.True((bool?)podMonitor["namespaceSelector"]!["any"]);
        var pods = Assert.Single(podMonitor["podMetricsEndpoints"]!.AsArray())!;
        Assert.Equal(("mesh-admin", "/stats/prometheus", "30s"), ((string?)pods["port"], (string?)pods["path"], (string?)pods["interval"]));
    }

    private static void MonitorsWithLabelsIntervalAndNamespaces(IReadOnlyList<JsonObject> rendered)
    {
        Assert.All(
            (string[])["ServiceMonitor", "PodMonitor"],
            kind => Assert.Equal("kps", (string?)rendered.Single(kind)["metadata"]!["labels"]!["release"]));
        Assert.Equal("15s", (string?)rendered.Single("ServiceMonitor")["spec"]!["endpoints"]![0]!["interval"]);
        var namespaces = rendered.Single("PodMonitor")["spec"]!["namespaceSelector"]!;
        Assert.Equal(["bookinfo", "shop"], namespaces["matchNames"]!.AsArray().Select(n => (string?)n));
        Assert.Null(namespaces["any"]);
    }

    // Read as the operator reads the mounted template.
    private static void AssertNativeSidecars(IReadOnlyList<JsonObject> rendered, bool expected)
    {
        var template = (string)rendered.Single("ConfigMap")["data"]!["template.yaml"]!;
        Assert.Equal(expected, Mesh.Operator.Injection.InjectionTemplate.Parse(template, "rendered mesh-injection-template").NativeSidecars);
    }

    private static void InjectionTemplateOverrides(IReadOnlyList<JsonObject> rendered)
    {
        var template = (string)rendered.Single("ConfigMap")["data"]!["template.yaml"]!;
        Assert.All(
            ["nativeSidecars: false", "proxyUid: 2000", "outboundPort: 16001", "inboundPort: 16006", "adminPort: 16000"],
            line => Assert.Contains(line, template, StringComparison.Ordinal));
    }

    private static void TracingAndReportInterval(IReadOnlyList<JsonObject> rendered)
    {
        var template = (string)rendered.Single("ConfigMap")["data"]!["template.yaml"]!;
        Assert.All(
            ["trafficReportInterval: \"10s\"", "zipkinEndpoint: \"http://zipkin.observability:9411/api/v2/spans\"", "propagation: \"b3\"", "otlpEndpoint: \"\""],
            line => Assert.Contains(line, template, StringComparison.Ordinal));
    }
}
