using System.Globalization;
using Mesh.Operator.Compiler;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>
/// Through a random sequence of changes to routes, selectors, policies, egress scopes, endpoints, services and
/// rules, each compile that takes over the previous compile's work gives every proxy the config a fresh compile
/// gives. Unchanged manifests keep their objects from one snapshot to the next, as the sources do, so the reuse of
/// unchanged objects is exercised.
/// </summary>
public sealed class CompileReuseRandomizedTests
{
    private static readonly string[][] Nodes =
    [
        ["default", "app=a"], ["default", "app=b"], ["default", "app=x"], ["default", "app=y,tier=web"],
        ["other", "app=c"], ["other", "app=x"], ["other", ""], ["scoped", "app=s"],
    ];

    [Fact]
    public void Every_config_equals_a_fresh_compile_through_random_changes()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var documents = Initial();
        var manifests = new UnchangedManifests();
        CompiledMesh? previous = null;
        for (var step = 0; step < 60; step++)
        {
            var change = Mutate(documents, random);
            var snapshot = manifests.Snapshot(documents.Values);
            var fresh = MeshCompiler.Compile(snapshot);
            var reused = MeshCompiler.Compile(snapshot, previous: previous);
            FreshCompileAssert.SameConfigs(fresh, reused, Nodes, $"seed {seed}, step {step} ({change})");

            previous = reused;
        }
    }

    private static string Mutate(Dictionary<string, string> documents, Random random)
    {
        var weight = random.Next(0, 101);
        switch (random.Next(9))
        {
            case 0:
                documents["vs-b"] = VirtualServiceB(weight);
                return $"b's weights {weight}";
            case 1:
                var selector = random.Next(2) == 0 ? "x" : "y";
                documents["vs-a"] = VirtualServiceA(selector);
                return $"a's selector {selector}";
            case 2:
                documents["policy"] = random.Next(3) == 0 ? "" : Policy("default", "limit", $"rateLimit: {{requestsPerSecond: {weight + 1}, burst: 5}}");
                return "default's policy";
            case 3:
                documents["scope"] = random.Next(2) == 0 ? "" : Policy("scoped", "scope", random.Next(2) == 0 ? "egress: {hosts: ['./*']}" : "egress: {hosts: ['default/*']}");
                return "scoped's egress";
            case 4:
                var port = 8000 + random.Next(3);
                documents["entry"] = Entry("b-1", "default", "b", $"10.0.0.{random.Next(1, 4)}", port);
                return $"an endpoint of b, port {port}";
            case 5:
                documents["service-d"] = random.Next(2) == 0 ? "" : Service("d", "other", random.Next(2) == 0 ? "d" : "c");
                return "service d";
            case 6:
                documents["rule-b"] = Rule(random.Next(2) == 0 ? "v1" : "v2", workloadSelector: random.Next(3) == 0);
                return "b's rule";
            case 7:
                documents["service-c"] = Service("c", "other", random.Next(2) == 0 ? "c" : "x");
                return "c's selector";
            default:
                return "nothing";
        }
    }

    private static Dictionary<string, string> Initial() => new(StringComparer.Ordinal)
    {
        ["service-a"] = Service("a", "default", "a"),
        ["service-b"] = Service("b", "default", "b"),
        ["service-c"] = Service("c", "other", "c"),
        ["service-s"] = Service("s", "scoped", "s"),
        ["service-d"] = "",
        ["vs-a"] = VirtualServiceA("x"),
        ["vs-b"] = VirtualServiceB(90),
        ["rule-b"] = Rule("v1", workloadSelector: false),
        ["entry"] = Entry("b-1", "default", "b", "10.0.0.1", 8000),
        ["entry-c"] = Entry("c-1", "other", "c", "10.0.1.1", 8000),
        ["policy"] = "",
        ["scope"] = "",
    };

    private static string Service(string name, string ns, string app) => $$$"""
        apiVersion: v1
        kind: Service
        metadata: {name: {{{name}}}, namespace: {{{ns}}}}
        spec: {selector: {app: {{{app}}}}, ports: [{name: http, port: 80, targetPort: 8000}]}
        """;

    private static string VirtualServiceA(string selector) => $$$"""
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: {name: a, namespace: default}
        spec:
          hosts: [a]
          http:
          - match: [{sourceLabels: {app: {{{selector}}}}}]
            route: [{destination: {host: b}}]
          - route: [{destination: {host: a}}]
        """;

    private static string VirtualServiceB(int weight) => $$$"""
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: {name: b, namespace: default}
        spec:
          hosts: [b]
          http:
          - match: [{sourceLabels: {app: x}}]
            route: [{destination: {host: c.other.svc.cluster.local}}]
          - route: [{destination: {host: b, subset: v1}, weight: {{{weight}}}}, {destination: {host: a}, weight: {{{100 - weight}}}}]
        """;

    private static string Rule(string subset, bool workloadSelector) => $$$"""
        apiVersion: mesh.io/v1alpha1
        kind: DestinationRule
        metadata: {name: b{{{(workloadSelector ? "-selected" : "")}}}, namespace: default}
        spec:
          host: b
        {{{(workloadSelector ? "  workloadSelector: {matchLabels: {app: a}}\n" : "")}}}  subsets: [{name: v1, labels: {app: b}}, {name: {{{subset}}}-extra, labels: {app: b}}]
        """;

    private static string Entry(string name, string ns, string app, string address, int port) => $$$"""
        apiVersion: mesh.io/v1alpha1
        kind: WorkloadEntry
        metadata: {name: {{{name}}}, namespace: {{{ns}}}}
        spec: {address: {{{address}}}, ports: {http: {{{port.ToString(CultureInfo.InvariantCulture)}}}}, labels: {app: {{{app}}}}}
        """;

    private static string Policy(string ns, string name, string spec) => $$$"""
        apiVersion: mesh.io/v1alpha1
        kind: MeshPolicy
        metadata: {name: {{{name}}}, namespace: {{{ns}}}}
        spec:
          {{{spec}}}
        """;
}
