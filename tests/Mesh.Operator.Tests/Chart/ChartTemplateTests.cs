using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Mesh.Operator.Tests.Chart;

/// <summary>charts/mesh read without Helm: the files parse, the templates have the kinds and settings the design asks for.</summary>
public sealed partial class ChartTemplateTests
{
    [Fact]
    public void Chart_yaml_and_values_yaml_parse_and_name_the_chart()
    {
        var chart = ChartFiles.ReadPlain(Path.Combine(ChartFiles.Root, "Chart.yaml")).Single();

        Assert.Equal(("v2", "mesh"), ((string?)chart["apiVersion"], (string?)chart["name"]));
        Assert.Equal(2, (long?)ChartFiles.Values["operator"]!["replicas"]);
        Assert.Equal("Fail", (string?)ChartFiles.Values["webhook"]!["failurePolicy"]);
    }

    [Fact]
    public void Every_template_parses_to_the_expected_kinds_once_actions_are_placeholders()
    {
        var kinds = ChartFiles.Templates
            .SelectMany(file => ChartFiles.ReadTemplate(Path.GetFileName(file)))
            .Select(o => $"{o["apiVersion"]} {o["kind"]}")
            .Order(StringComparer.Ordinal);

        Assert.Equal(
            [
                "admissionregistration.k8s.io/v1 MutatingWebhookConfiguration",
                "apps/v1 Deployment",
                "cert-manager.io/v1 Certificate",
                "cert-manager.io/v1 Issuer",
                "monitoring.coreos.com/v1 PodMonitor",
                "monitoring.coreos.com/v1 ServiceMonitor",
                "policy/v1 PodDisruptionBudget",
                "rbac.authorization.k8s.io/v1 ClusterRole",
                "rbac.authorization.k8s.io/v1 ClusterRoleBinding",
                "rbac.authorization.k8s.io/v1 Role",
                "rbac.authorization.k8s.io/v1 Role",
                "rbac.authorization.k8s.io/v1 RoleBinding",
                "rbac.authorization.k8s.io/v1 RoleBinding",
                "v1 ConfigMap",
                "v1 ConfigMap",
                "v1 Service",
                "v1 ServiceAccount",
            ],
            kinds);
    }

    [Fact]
    public void Every_values_path_a_template_uses_exists_in_values_yaml_and_every_value_is_used()
    {
        var used = ChartFiles.Templates.Append(Path.Combine(ChartFiles.TemplatesDirectory, "_helpers.tpl"))
            .SelectMany(file => ValuesPath().Matches(File.ReadAllText(file)).Select(m => m.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);
        var defined = Paths(ChartFiles.Values, "").ToList();

        Assert.NotEmpty(used);
        Assert.DoesNotContain(used, path => !defined.Contains(path));
        Assert.DoesNotContain(defined, path => !used.Any(u => u == path || u.StartsWith(path + ".", StringComparison.Ordinal) || path.StartsWith(u + ".", StringComparison.Ordinal)));
    }

    [Fact]
    public void Each_chart_crd_is_a_byte_identical_copy_of_the_repository_crd()
    {
        var source = Directory.GetFiles(TestPaths.InRepository("crds"), "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var copies = Directory.GetFiles(Path.Combine(ChartFiles.Root, "crds")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();

        Assert.Equal(source, copies);
        foreach (var name in source)
        {
            var original = File.ReadAllBytes(TestPaths.InRepository("crds", name!));
            var copy = File.ReadAllBytes(Path.Combine(ChartFiles.Root, "crds", name!));
            Assert.True(original.AsSpan().SequenceEqual(copy), $"charts/mesh/crds/{name} differs from crds/{name}: copy it again");
            Assert.Equal("CustomResourceDefinition", (string?)ChartFiles.ReadPlain(Path.Combine(ChartFiles.Root, "crds", name!)).Single()["kind"]);
        }
    }

    [Fact]
    public void The_operator_runs_non_root_read_only_with_probes_on_15014_and_spread_across_nodes()
    {
        var pod = ChartFiles.Single("deployment.yaml", "Deployment")["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        var security = container["securityContext"]!;

        Assert.Equal((true, 65532), ((bool?)security["runAsNonRoot"], (long?)security["runAsUser"]));
        Assert.Equal((false, true), ((bool?)security["allowPrivilegeEscalation"], (bool?)security["readOnlyRootFilesystem"]));
        Assert.Equal(["ALL"], security["capabilities"]!["drop"]!.AsArray().Select(c => (string?)c));
        Assert.Equal("RuntimeDefault", (string?)security["seccompProfile"]!["type"]);
        Assert.Equal(("/healthz", 15014), ((string?)container["livenessProbe"]!["httpGet"]!["path"], (long?)container["livenessProbe"]!["httpGet"]!["port"]));
        Assert.Equal(("/readyz", 15014), ((string?)container["readinessProbe"]!["httpGet"]!["path"], (long?)container["readinessProbe"]!["httpGet"]!["port"]));
        Assert.Equal("kubernetes.io/hostname", (string?)pod["affinity"]!["podAntiAffinity"]!["preferredDuringSchedulingIgnoredDuringExecution"]![0]!["podAffinityTerm"]!["topologyKey"]);
        var env = container["env"]!.AsArray().ToDictionary(e => (string)e!["name"]!, e => (string?)e!["valueFrom"]?["fieldRef"]?["fieldPath"]);
        Assert.Equal("metadata.namespace", env["POD_NAMESPACE"]);
        Assert.Equal("mesh-operator", (string?)pod["serviceAccountName"]);
    }

    [Fact]
    public void The_operator_command_line_runs_kube_mode_with_the_template_and_both_webhook_certificate_modes()
    {
        var args = ChartFiles.Single("deployment.yaml", "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["args"]!
            .AsArray().Select(a => (string)a!).ToList();

        Assert.Equal(["run", "--source", "kube", "--log-level", ChartFiles.Placeholder], args.Take(5));
        Assert.Equal("/etc/mesh/injection/template.yaml", After("--injection-template"));
        Assert.Equal("/etc/mesh/webhook-tls/tls.crt", After("--webhook-cert-file"));
        Assert.Equal("/etc/mesh/webhook-tls/tls.key", After("--webhook-key-file"));
        Assert.Equal("mesh-operator", After("--webhook-service"));
        Assert.Equal("mesh-sidecar-injector", After("--webhook-configuration"));
        Assert.Equal("mesh-webhook-tls", After("--webhook-secret"));

        string After(string flag) => args[args.IndexOf(flag) + 1];
    }

    [Fact]
    public void The_service_exposes_grpc_monitoring_and_the_webhook_on_443()
    {
        var ports = ChartFiles.Single("service.yaml", "Service")["spec"]!["ports"]!.AsArray()
            .Select(p => ((string?)p!["name"], (long?)p["port"], (long?)p["targetPort"]));

        Assert.Equal([("grpc", 15010, 15010), ("http-monitoring", 15014, 15014), ("webhook", 443, 15017)], ports);
        Assert.Equal("mesh-operator", (string?)ChartFiles.Single("service.yaml", "Service")["metadata"]!["name"]);
    }

    [Fact]
    public void The_disruption_budget_keeps_one_operator()
    {
        Assert.Equal(1, (long?)ChartFiles.Values["podDisruptionBudget"]!["minAvailable"]);
        Assert.Equal(ChartFiles.Placeholder, (string?)ChartFiles.Single("poddisruptionbudget.yaml", "PodDisruptionBudget")["spec"]!["minAvailable"]);
    }

    private static IEnumerable<string> Paths(JsonObject node, string prefix)
    {
        foreach (var (key, value) in node)
        {
            var path = prefix + key;
            yield return path;
            if (value is JsonObject { Count: > 0 } child)
            {
                foreach (var nested in Paths(child, path + "."))
                {
                    yield return nested;
                }
            }
        }
    }

    [GeneratedRegex(@"\.Values\.([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)")]
    private static partial Regex ValuesPath();
}
