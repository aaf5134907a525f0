using System.Globalization;
using Mesh.Operator.Compiler;
using Mesh.Operator.Validation;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>
/// Endpoint-only changes (a WorkloadEntry's address or port, a pod replaced by one like it, an EndpointSlice's
/// addresses) mixed at random with changes to routes, service ports, sourceLabels selectors, delegation, a
/// DestinationRule, workload labels and invalid or conflicting resources: each compile given the one before it gives
/// every proxy the config and version a fresh compile gives, and every resource the same diagnostics and conditions.
/// Unchanged manifests keep their objects, as the sources do, so the compile takes over what it can.
/// </summary>
public sealed class CompileReuseMixedChangesRandomizedTests
{
    private const int Steps = 200;

    private static readonly string[][] Nodes =
    [
        ["default", "app=a"], ["default", "app=b,version=v1"], ["default", "app=x"], ["default", "app=y"],
        ["other", "app=c"], ["other", "app=a"], ["other", ""],
    ];

    [Fact]
    public void Configs_and_resource_results_equal_a_fresh_compile_through_endpoint_and_resource_changes()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var documents = Initial();
        var manifests = new UnchangedManifests();
        CompiledMesh? previous = null;
        var (validationTakenOver, routesTakenOver) = (0, 0);
        for (var step = 0; step < Steps; step++)
        {
            var change = Mutate(documents, random);
            var snapshot = manifests.Snapshot(documents.Values);
            var fresh = MeshCompiler.Compile(snapshot);
            var reused = MeshCompiler.Compile(snapshot, previous: previous);
            var context = $"seed {seed}, step {step} ({change})";
            Assert.True(Describe(fresh.Results) == Describe(reused.Results), $"results differ: {context}\nfresh:\n{Describe(fresh.Results)}\nreused:\n{Describe(reused.Results)}");
            FreshCompileAssert.SameConfigs(fresh, reused, Nodes, context);

            validationTakenOver += previous is not null && ReferenceEquals(reused.Work.Validated.Rules, previous.Work.Validated.Rules) ? 1 : 0;
            routesTakenOver += previous is not null && ReferenceEquals(reused.Work.Routes.Hosts, previous.Work.Routes.Hosts) ? 1 : 0;
            previous = reused;
        }

        // Endpoint-only changes are a third of the steps: the reuse itself was exercised, not only the fallback.
        Assert.True(validationTakenOver > 0 && routesTakenOver > 0, $"seed {seed}: validation taken over {validationTakenOver}, routes {routesTakenOver} times of {Steps}");
    }

    private static string Describe(IReadOnlyList<ResourceResult> results) => string.Join("\n", results.Select(r =>
        $"{r.Resource}: [{string.Join(" | ", r.Diagnostics.Select(d => $"{d} ({d.Category})"))}] " +
        string.Join(" ", r.Conditions.Select(c => $"{c.Type}={c.Status}/{c.Reason}/{c.ObservedGeneration}/{c.Message}"))));

    private static string Mutate(Dictionary<string, string> documents, Random random)
    {
        var n = random.Next(1, 4);
        switch (random.Next(19))
        {
            // Endpoint-only changes.
            case 0 or 1:
                var port = 8000 + random.Next(3);
                documents["entry-b-1"] = Entry("b-1", "b", "v1", $"10.0.0.{n}", port);
                return $"b-1's address 10.0.0.{n}, port {port}";
            case 2:
                documents["pod-a-1"] = Pod("a-1", $"10.1.0.{n}");
                return $"pod a-1 at 10.1.0.{n}";
            case 3:
                documents["pod-a-2"] = random.Next(2) == 0 ? "" : Pod("a-2", $"10.1.1.{n}");
                return "pod a-2 comes or goes";
            case 4:
                documents["slice-e"] = Slice(string.Join(", ", Enumerable.Range(1, n).Select(i => $"10.2.0.{i}")));
                return $"e's slice with {n} addresses";
            case 5:
                documents["entry-b-2"] = random.Next(2) == 0 ? "" : Entry("b-2", "b", "v1", $"10.0.2.{n}", 8000);
                return "entry b-2 comes or goes";

            // Everything else.
            case 6:
                documents["vs-b"] = VirtualServiceB(25 * n);
                return $"b's weights {25 * n}";
            case 7:
                var selector = random.Next(2) == 0 ? "x" : "y";
                documents["vs-a"] = VirtualServiceA(selector, delegates: documents["vs-a"].Contains("delegate:", StringComparison.Ordinal));
                return $"a's sourceLabels {selector}";
            case 8:
                documents["service-a"] = Service("a", "default", "a", OneOf(n - 1, "{name: http, port: 80, targetPort: 8000}", "{name: http, port: 80, targetPort: 8000}, {name: tcp-db, port: 5432}", "{name: http, port: 8080}"));
                return $"a's ports, variant {n}";
            case 9:
                var (bPort, bApp) = (random.Next(2) == 0 ? 80 : 8080, random.Next(3) == 0 ? "z" : "b");
                documents["service-b"] = Service("b", "default", bApp, $"{{name: http, port: {bPort}}}");
                return $"b's port {bPort}, selector app={bApp}";
            case 10:
                documents["vs-a-delegate"] = OneOf(n - 1, "", Delegate("b"), Delegate("d.other"));
                return $"a's delegate, variant {n}";
            case 11:
                var delegates = random.Next(2) == 0;
                documents["vs-a"] = VirtualServiceA(documents["vs-a"].Contains("app: y", StringComparison.Ordinal) ? "y" : "x", delegates);
                return $"a delegates: {delegates}";
            case 12:
                documents["rule-b"] = OneOf(random.Next(4), "", Rule("v2", selected: false), Rule("v3", selected: true), Rule("v2", selected: false).Replace("ROUND_ROBIN", "BOGUS", StringComparison.Ordinal));
                return "b's rule";
            case 13:
                documents["service-d"] = random.Next(2) == 0 ? "" : Service("d", "other", "d", "{name: http, port: 80}");
                return "service d comes or goes";
            case 14:
                documents["vs-extra"] = OneOf(random.Next(4), "", Extra("timeout: 2s"), Extra("timeout: 2x"), Extra("timeout: 2s").Replace("hosts: [e.other]", "hosts: [b.default]", StringComparison.Ordinal));
                return "the extra VirtualService: absent, valid, invalid or conflicting";
            case 15:
                var version = random.Next(2) == 0 ? "v1" : "v3";
                documents["entry-b-1"] = Entry("b-1", "b", version, "10.0.0.1", 8000);
                return $"b-1's version label {version}";
            case 16:
                var zVersion = random.Next(2) == 0 ? "v1" : "v3";
                documents["entry-z"] = Entry("z-1", "z", zVersion, "10.0.3.1", 8000);
                return $"z-1's version label {zVersion}";
            case 17:
                var source = random.Next(2) == 0 ? "a" : "b";
                documents["vs-c"] = VirtualServiceC(source);
                return $"c's tcp rule from app={source}";
            default:
                documents["policy"] = OneOf(random.Next(4), "", Policy("v1"), Policy("v3"), Policy("v3"));
                return "the policy's selector";
        }
    }

    private static string OneOf(int index, params string[] choices) => choices[index];

    private static Dictionary<string, string> Initial() => new(StringComparer.Ordinal)
    {
        ["service-a"] = Service("a", "default", "a", "{name: http, port: 80, targetPort: 8000}"),
        ["service-b"] = Service("b", "default", "b", "{name: http, port: 80}"),
        ["service-c"] = Service("c", "other", "c", "{name: http, port: 80}, {name: tcp, port: 9000}"),
        ["service-d"] = "",
        ["service-e"] = Service("e", "other", "", "{name: http, port: 80}"),
        ["slice-e"] = Slice("10.2.0.1"),
        ["vs-a"] = VirtualServiceA("x", delegates: true),
        ["vs-a-delegate"] = Delegate("b"),
        ["vs-b"] = VirtualServiceB(50),
        ["vs-c"] = VirtualServiceC("a"),
        ["vs-extra"] = "",
        ["rule-b"] = Rule("v2", selected: false),
        ["entry-b-1"] = Entry("b-1", "b", "v1", "10.0.0.1", 8000),
        ["entry-b-2"] = "",
        ["entry-c"] = """
            apiVersion: mesh.io/v1alpha1
            kind: WorkloadEntry
            metadata: {name: c-1, namespace: other}
            spec: {address: 10.0.1.1, labels: {app: c}}
            """,
        ["entry-z"] = Entry("z-1", "z", "v3", "10.0.3.1", 8000),
        ["pod-a-1"] = Pod("a-1", "10.1.0.1"),
        ["pod-a-2"] = "",
        ["policy"] = Policy("v3"),
    };

    private static string Service(string name, string ns, string app, string ports) => $$$"""
        apiVersion: v1
        kind: Service
        metadata: {name: {{{name}}}, namespace: {{{ns}}}}
        spec: {{{{(app.Length > 0 ? $"selector: {{app: {app}}}, " : "")}}}ports: [{{{ports}}}]}
        """;

    private static string Slice(string addresses) => $$$"""
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata: {name: e-1, namespace: other, labels: {kubernetes.io/service-name: e}}
        addressType: IPv4
        ports: [{name: http, port: 8000}]
        endpoints: [{addresses: [{{{addresses}}}]}]
        """;

    private static string Pod(string name, string ip) => $$$"""
        apiVersion: v1
        kind: Pod
        metadata: {name: {{{name}}}, namespace: default, labels: {app: a}}
        spec: {containers: [{name: app, image: app}]}
        status: {podIP: {{{ip}}}}
        """;

    private static string Entry(string name, string app, string version, string address, int port) => $$$"""
        apiVersion: mesh.io/v1alpha1
        kind: WorkloadEntry
        metadata: {name: {{{name}}}, namespace: default}
        spec: {address: {{{address}}}, ports: {http: {{{port.ToString(CultureInfo.InvariantCulture)}}}}, labels: {app: {{{app}}}, version: {{{version}}}}}
        """;

    private static string VirtualServiceA(string selector, bool delegates) => $$$"""
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: {name: a, namespace: default}
        spec:
          hosts: [a]
          http:
          - match: [{sourceLabels: {app: {{{selector}}}}}]
            route: [{destination: {host: b}}]
        {{{(delegates ? "  - match: [{uri: {prefix: /api}}]\n    delegate: {name: a-api}\n" : "")}}}  - route: [{destination: {host: a}}]
          tcp:
          - match: [{port: 5432}]
            route: [{destination: {host: c.other, port: {number: 9000} } }]
        """;

    private static string Delegate(string host) => $$$"""
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: {name: a-api, namespace: default}
        spec:
          http:
          - match: [{uri: {prefix: /api/v1}}]
            route: [{destination: {host: {{{host}}}}}]
          - route: [{destination: {host: a}}]
        """;

    private static string VirtualServiceB(int weight) => $$$"""
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: {name: b, namespace: default}
        spec:
          hosts: [b]
          http:
          - route: [{destination: {host: b, subset: v1}, weight: {{{weight}}}}, {destination: {host: external.example.com}, weight: {{{100 - weight}}}}]
        """;

    private static string VirtualServiceC(string source) => $$$"""
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: {name: c, namespace: other}
        spec:
          hosts: [c]
          http:
          - route: [{destination: {host: c, port: {number: 80} } }]
          tcp:
          - match: [{port: 9000, sourceLabels: {app: {{{source}}}}}]
            route: [{destination: {host: e, port: {number: 80} } }]
        """;

    private static string Extra(string timeout) => $$$"""
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: {name: extra, namespace: other}
        spec:
          hosts: [e.other]
          http:
          - {{{timeout}}}
            route: [{destination: {host: d}}]
        """;

    private static string Rule(string subset, bool selected) => $$$"""
        apiVersion: mesh.io/v1alpha1
        kind: DestinationRule
        metadata: {name: b, namespace: default}
        spec:
          host: b
        {{{(selected ? "  workloadSelector: {matchLabels: {app: a}}\n" : "")}}}  trafficPolicy: {loadBalancer: {simple: ROUND_ROBIN}}
          subsets: [{name: v1, labels: {version: v1}}, {name: {{{subset}}}, labels: {version: {{{subset}}}}}]
        """;

    private static string Policy(string version) => $$$"""
        apiVersion: mesh.io/v1alpha1
        kind: MeshPolicy
        metadata: {name: b-only, namespace: default}
        spec:
          selector: {matchLabels: {version: {{{version}}}}}
          action: ALLOW
        """;
}
