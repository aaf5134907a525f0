using Mesh.Operator.Validation;

namespace Mesh.Operator.Tests.Validation;

/// <summary>Every kind of invalid input is reported at its field path with its severity.</summary>
public sealed class ValidationTests
{
    private const string Vs = "apiVersion: mesh.io/v1alpha1\nkind: VirtualService\nmetadata: {name: test, namespace: default}\nspec:\n";
    private const string Dr = "apiVersion: mesh.io/v1alpha1\nkind: DestinationRule\nmetadata: {name: test, namespace: default}\nspec:\n";
    private const string Mp = "apiVersion: mesh.io/v1alpha1\nkind: MeshPolicy\nmetadata: {name: test, namespace: default}\nspec:\n";
    private const string We = "apiVersion: mesh.io/v1alpha1\nkind: WorkloadEntry\nmetadata: {name: test, namespace: default}\nspec:\n";

    public static TheoryData<string, string, string, DiagnosticSeverity, string> Cases() => new()
    {
        // VirtualService
        { "VirtualService", Vs + "  http: []\n", "spec.http", DiagnosticSeverity.Error, "http, tcp or tls routes are required" },
        { "VirtualService", Vs + "  hosts: [nowhere]\n", "spec.hosts[0]", DiagnosticSeverity.Error, "not a Service" },
        { "VirtualService", Vs + "  hosts: [example.com]\n  http:\n  - route: [{destination: {host: reviews}}]\n", "spec.hosts[0]", DiagnosticSeverity.Warning, "not a service in the mesh" },
        { "VirtualService", Vs + "  hosts: ['*.example.com']\n  http:\n  - route: [{destination: {host: reviews}}]\n", "spec.hosts[0]", DiagnosticSeverity.Warning, "wildcard" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews, subset: v9}}]\n", "spec.http[0].route[0].destination.subset", DiagnosticSeverity.Error, "unknown subset 'v9'" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - route: [{destination: {host: multi, subset: v1}}]\n", "spec.http[0].route[0].destination.subset", DiagnosticSeverity.Error, "no DestinationRule" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews, subset: v1}, weight: 0}, {destination: {host: reviews, subset: v2}, weight: 0}]\n", "spec.http[0].route", DiagnosticSeverity.Error, "all zero" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews}, weight: -5}, {destination: {host: reviews}, weight: 10}]\n", "spec.http[0].route[0].weight", DiagnosticSeverity.Error, "must not be negative" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - match: [{uri: {regex: '(?=a)b'}}]\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].match[0].uri.regex", DiagnosticSeverity.Error, "lookaround" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - match: [{headers: {x-id: {regex: '(a)\\1'}}}]\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].match[0].headers.x-id.regex", DiagnosticSeverity.Error, "backreferences" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - match: [{queryParams: {q: {regex: '[a-'}}}]\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].match[0].queryParams.q.regex", DiagnosticSeverity.Error, "invalid regular expression" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - match: [{uri: {exact: /a, prefix: /b}}]\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].match[0].uri", DiagnosticSeverity.Error, "exactly one of exact, prefix or regex" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - match: [{authority: {prefix: ''}}]\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].match[0].authority.prefix", DiagnosticSeverity.Error, "must not be empty" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - match: [{port: -1}]\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].match[0].port", DiagnosticSeverity.Error, "between 1 and 65535" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - timeout: 10 seconds\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].timeout", DiagnosticSeverity.Error, "invalid duration" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - retries: {attempts: 2, perTryTimeout: 1x}\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].retries.perTryTimeout", DiagnosticSeverity.Error, "invalid duration" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - retries: {attempts: -1}\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].retries.attempts", DiagnosticSeverity.Error, "must not be negative" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - retries: {retryOn: 'connect-failure,sometimes'}\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].retries.retryOn", DiagnosticSeverity.Error, "'sometimes' is not a retry condition" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - redirect: {uri: /x}\n    route: [{destination: {host: reviews}}]\n", "spec.http[0]", DiagnosticSeverity.Error, "this one has several" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - name: nothing\n", "spec.http[0]", DiagnosticSeverity.Error, "this one has none" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - redirect: {uri: /x, redirectCode: 200}\n", "spec.http[0].redirect.redirectCode", DiagnosticSeverity.Error, "not a redirect status" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - name: a\n    route: [{destination: {host: reviews}}]\n  - name: a\n    route: [{destination: {host: reviews}}]\n", "spec.http[1].name", DiagnosticSeverity.Error, "duplicate rule name 'a'" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - route: [{destination: {host: ghost}}]\n", "spec.http[0].route[0].destination.host", DiagnosticSeverity.Error, "ghost.default.svc.cluster.local, which is not a Service" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - route: [{destination: {host: api.example.com}}]\n", "spec.http[0].route[0].destination.host", DiagnosticSeverity.Warning, "not a service in the mesh" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - route: [{destination: {}}]\n", "spec.http[0].route[0].destination.host", DiagnosticSeverity.Error, "host is required" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - route: [{weight: 100}]\n", "spec.http[0].route[0].destination", DiagnosticSeverity.Error, "destination is required" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - route: [{destination: {host: multi}}]\n", "spec.http[0].route[0].destination.port", DiagnosticSeverity.Error, "several ports" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews, port: {number: 1234}}}]\n", "spec.http[0].route[0].destination.port.number", DiagnosticSeverity.Error, "has no port 1234" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - fault: {delay: {fixedDelay: 1s, percentage: {value: 101}}}\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].fault.delay.percentage.value", DiagnosticSeverity.Error, "between 0.0001 and 100" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - fault: {delay: {percentage: {value: 10}}}\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].fault.delay", DiagnosticSeverity.Warning, "injects nothing" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - fault: {abort: {percentage: {value: 10}}}\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].fault.abort", DiagnosticSeverity.Warning, "injects nothing" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - fault: {abort: {httpStatus: 700, percentage: {value: -1}}}\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].fault.abort.percentage.value", DiagnosticSeverity.Error, "between 0.0001 and 100" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - fault: {}\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].fault", DiagnosticSeverity.Error, "delay or an abort" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - mirror: {host: reviews, subset: v7}\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].mirror.subset", DiagnosticSeverity.Error, "unknown subset 'v7'" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - mirror: {host: reviews}\n    mirrorPercentage: {value: 120}\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].mirrorPercentage.value", DiagnosticSeverity.Error, "between 0 and 100" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - mirror: {host: reviews}\n    mirrors: [{destination: {host: reviews}}]\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].mirrors", DiagnosticSeverity.Error, "cannot both be set" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - mirrors: [{destination: {host: reviews}}, {destination: {host: reviews, subset: v7}}]\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].mirrors[1].destination.subset", DiagnosticSeverity.Error, "unknown subset 'v7'" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - mirrors: [{destination: {host: reviews}, percentage: {value: 150}}]\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].mirrors[0].percentage.value", DiagnosticSeverity.Error, "between 0 and 100" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - mirrors: [{destination: {host: reviews}}]\n    mirrorPercentage: {value: 5}\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].mirrorPercentage", DiagnosticSeverity.Error, "applies to mirror" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - directResponse: {status: 700}\n", "spec.http[0].directResponse.status", DiagnosticSeverity.Error, "not in range 200-599" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - directResponse: {body: {string: hi}}\n", "spec.http[0].directResponse.status", DiagnosticSeverity.Error, "status is required" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - directResponse: {status: 200}\n    route: [{destination: {host: reviews}}]\n", "spec.http[0]", DiagnosticSeverity.Error, "this one has several" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - directResponse: {status: 200, body: {string: a, bytes: YQ==}}\n", "spec.http[0].directResponse.body", DiagnosticSeverity.Error, "exactly one of string or bytes" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - directResponse: {status: 200, body: {bytes: '%%%'}}\n", "spec.http[0].directResponse.body.bytes", DiagnosticSeverity.Error, "base64" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - directResponse: {status: 503}\n    fault: {abort: {httpStatus: 500, percentage: {value: 1}}}\n", "spec.http[0].fault", DiagnosticSeverity.Error, "a directResponse cannot have a fault" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - rewrite: {uri: /a, uriRegexRewrite: {match: /b, rewrite: /c}}\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].rewrite.uriRegexRewrite", DiagnosticSeverity.Error, "cannot both be set" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - rewrite: {uriRegexRewrite: {match: '(?=a)b', rewrite: /c}}\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].rewrite.uriRegexRewrite.match", DiagnosticSeverity.Error, "lookaround" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - rewrite: {uriRegexRewrite: {match: /b}}\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].rewrite.uriRegexRewrite.rewrite", DiagnosticSeverity.Error, "rewrite is required" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - match: [{scheme: {prefix: ''}}]\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].match[0].scheme.prefix", DiagnosticSeverity.Error, "must not be empty" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - match: [{uri: {prefix: /api}}]\n    route: [{destination: {host: reviews}}]\n  - match: [{uri: {prefix: /api/v2}}]\n    route: [{destination: {host: reviews}}]\n", "spec.http[1].match[0]", DiagnosticSeverity.Warning, "has a match that takes every request this one does" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - match: [{headers: {x-a: {exact: '1'}}}]\n    route: [{destination: {host: reviews}}]\n  - match: [{uri: {exact: /api}, headers: {x-a: {exact: '1'}}}]\n    route: [{destination: {host: reviews}}]\n", "spec.http[1].match[0]", DiagnosticSeverity.Warning, "has a match that takes every request this one does" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - corsPolicy: {maxAge: forever}\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].corsPolicy.maxAge", DiagnosticSeverity.Error, "invalid duration" },

        // DestinationRule
        { "DestinationRule", Dr + "  subsets: []\n", "spec.host", DiagnosticSeverity.Error, "host is required" },
        { "DestinationRule", Dr + "  host: nowhere\n", "spec.host", DiagnosticSeverity.Error, "not a Service" },
        { "DestinationRule", Dr + "  host: multi\n  subsets: [{name: a, labels: {v: '1'}}, {name: a, labels: {v: '2'}}]\n", "spec.subsets[1].name", DiagnosticSeverity.Error, "duplicate subset name 'a'" },
        { "DestinationRule", Dr + "  host: multi\n  subsets: [{labels: {v: '1'}}]\n", "spec.subsets[0].name", DiagnosticSeverity.Error, "name is required" },
        { "DestinationRule", Dr + "  host: multi\n  subsets: [{name: a, labels: {v: '1'}}]\n", "spec.subsets[0].labels", DiagnosticSeverity.Warning, "selects no endpoint" },
        { "DestinationRule", Dr + "  host: multi\n  trafficPolicy: {loadBalancer: {simple: FASTEST}}\n", "spec.trafficPolicy.loadBalancer.simple", DiagnosticSeverity.Error, "not one of" },
        { "DestinationRule", Dr + "  host: multi\n  trafficPolicy: {loadBalancer: {simple: RANDOM, consistentHash: {useSourceIp: true}}}\n", "spec.trafficPolicy.loadBalancer", DiagnosticSeverity.Error, "exactly one of simple or consistentHash" },
        { "DestinationRule", Dr + "  host: multi\n  trafficPolicy: {loadBalancer: {consistentHash: {}}}\n", "spec.trafficPolicy.loadBalancer.consistentHash", DiagnosticSeverity.Error, "exactly one of httpHeaderName" },
        { "DestinationRule", Dr + "  host: multi\n  trafficPolicy: {loadBalancer: {consistentHash: {httpCookie: {ttl: 1s}}}}\n", "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.name", DiagnosticSeverity.Error, "name is required" },
        { "DestinationRule", Dr + "  host: multi\n  trafficPolicy: {connectionPool: {tcp: {connectTimeout: soon}}}\n", "spec.trafficPolicy.connectionPool.tcp.connectTimeout", DiagnosticSeverity.Error, "invalid duration" },
        { "DestinationRule", Dr + "  host: multi\n  trafficPolicy: {connectionPool: {http: {maxRetries: -1}}}\n", "spec.trafficPolicy.connectionPool.http.maxRetries", DiagnosticSeverity.Error, "between 0" },
        { "DestinationRule", Dr + "  host: multi\n  trafficPolicy: {outlierDetection: {maxEjectionPercent: 101}}\n", "spec.trafficPolicy.outlierDetection.maxEjectionPercent", DiagnosticSeverity.Error, "between 0 and 100" },
        { "DestinationRule", Dr + "  host: multi\n  trafficPolicy: {tls: {mode: SOMETIMES}}\n", "spec.trafficPolicy.tls.mode", DiagnosticSeverity.Error, "not one of" },
        { "DestinationRule", Dr + "  host: multi\n  subsets: [{name: a, trafficPolicy: {outlierDetection: {baseEjectionTime: 3 minutes}}}]\n", "spec.subsets[0].trafficPolicy.outlierDetection.baseEjectionTime", DiagnosticSeverity.Error, "invalid duration" },

        // MeshPolicy
        { "MeshPolicy", Mp + "  selector: {matchLabels: {app: nobody}}\n", "spec.selector.matchLabels", DiagnosticSeverity.Warning, "selects no workload" },
        { "MeshPolicy", Mp + "  mtls: {mode: MAYBE}\n", "spec.mtls.mode", DiagnosticSeverity.Error, "not one of" },
        { "MeshPolicy", Mp + "  action: AUDIT\n", "spec.action", DiagnosticSeverity.Error, "not one of" },
        { "MeshPolicy", Mp + "  rules: [{to: [{ports: [0]}]}]\n", "spec.rules[0].to[0].ports[0]", DiagnosticSeverity.Error, "between 1 and 65535" },
        { "MeshPolicy", Mp + "  rateLimit: {burst: 5}\n", "spec.rateLimit.requestsPerSecond", DiagnosticSeverity.Error, "required" },
        { "MeshPolicy", Mp + "  rateLimit: {requestsPerSecond: 5, burst: -1}\n", "spec.rateLimit.burst", DiagnosticSeverity.Error, "between 0" },
        { "MeshPolicy", Mp + "  selector: {matchLabels: {app: reviews}}\n  portLevelMtls: {http: {mode: STRICT}}\n", "spec.portLevelMtls.http", DiagnosticSeverity.Error, "not a port number" },
        { "MeshPolicy", Mp + "  portLevelMtls: {'8080': {mode: STRICT}}\n", "spec.portLevelMtls", DiagnosticSeverity.Error, "needs a selector" },
        { "MeshPolicy", Mp + "  rules: [{from: []}]\n", "spec.rules[0].from", DiagnosticSeverity.Error, "must not be empty" },
        { "MeshPolicy", Mp + "  rules: [{from: [{}]}]\n", "spec.rules[0].from[0]", DiagnosticSeverity.Error, "at least one of principals" },
        { "MeshPolicy", Mp + "  rules: [{to: []}]\n", "spec.rules[0].to", DiagnosticSeverity.Error, "must not be empty" },
        { "MeshPolicy", Mp + "  rules: [{to: [{}]}]\n", "spec.rules[0].to[0]", DiagnosticSeverity.Error, "at least one of paths" },
        { "MeshPolicy", Mp + "  rules: [{from: [{namespaces: [shop, '']}]}]\n", "spec.rules[0].from[0].namespaces[1]", DiagnosticSeverity.Error, "must not be empty" },
        { "MeshPolicy", Mp + "  rules: [{to: [{notPaths: ['']}]}]\n", "spec.rules[0].to[0].notPaths[0]", DiagnosticSeverity.Error, "must not be empty" },
        { "MeshPolicy", Mp + "  action: DENY\n", "spec.rules", DiagnosticSeverity.Warning, "never matches" },

        // WorkloadEntry
        { "WorkloadEntry", We + "  labels: {app: x}\n", "spec.address", DiagnosticSeverity.Error, "address is required" },
        { "WorkloadEntry", We + "  address: 10.0.0.9\n  ports: {http: 0}\n", "spec.ports.http", DiagnosticSeverity.Error, "between 1 and 65535" },
        { "WorkloadEntry", We + "  address: 10.0.0.9\n  weight: -2\n", "spec.weight", DiagnosticSeverity.Error, "between 0" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Problem_is_reported_at_its_field_path(string kind, string yaml, string path, DiagnosticSeverity severity, string message)
    {
        var (result, _) = ValidationHarness.Compile(yaml, kind);

        var found = result.Diagnostics.Where(d => d.Path == path && d.Severity == severity).ToList();
        Assert.True(
            found.Exists(d => d.Message.Contains(message, StringComparison.Ordinal)),
            $"expected {severity} at {path} containing '{message}'; got: {string.Join(" | ", result.Diagnostics)}");
        Assert.Equal(severity != DiagnosticSeverity.Error, result.IsAccepted);
    }

    [Theory]
    [InlineData("  hosts: [reviews]\n  http:\n  - timeout: 10\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].timeout")]
    [InlineData("  hosts: reviews\n", "spec.hosts")]
    public void A_value_of_the_wrong_type_is_an_error_at_its_path_when_reading(string spec, string path)
    {
        var set = Mesh.Operator.Manifests.ManifestLoader.LoadText("test.yaml", Vs + spec);

        var problem = Assert.Single(set.Problems);
        Assert.True(problem.IsError);
        Assert.Equal(path, problem.Diagnostic!.Path);
    }

    [Fact]
    public void A_valid_resource_is_accepted_with_resolved_references()
    {
        var (result, _) = ValidationHarness.Compile(
            Vs + "  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews, subset: v1}, weight: 70}, {destination: {host: reviews, subset: v2}, weight: 30}]\n",
            "VirtualService");

        Assert.Empty(result.Diagnostics);
        Assert.Equal(
            [("Accepted", "True", "Accepted"), ("ResolvedRefs", "True", "ResolvedRefs")],
            result.Conditions.Select(c => (c.Type, c.Status, c.Reason)));
    }

    [Fact]
    public void Unresolved_references_turn_both_conditions_false_with_the_path_in_the_message()
    {
        var (result, _) = ValidationHarness.Compile(
            Vs + "  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews, subset: v9}}]\n", "VirtualService");

        var accepted = result.Conditions.Single(c => c.Type == ResourceResult.Accepted);
        var resolved = result.Conditions.Single(c => c.Type == ResourceResult.ResolvedRefs);
        Assert.Equal(("False", "UnresolvedRefs"), (accepted.Status, accepted.Reason));
        Assert.Equal(("False", "UnresolvedRefs"), (resolved.Status, resolved.Reason));
        Assert.StartsWith("spec.http[0].route[0].destination.subset: unknown subset 'v9'", resolved.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_fields_make_accepted_false_for_reason_invalid_while_refs_stay_resolved()
    {
        var (result, _) = ValidationHarness.Compile(
            Vs + "  hosts: [reviews]\n  http:\n  - timeout: 3 days\n    route: [{destination: {host: reviews}}]\n", "VirtualService");

        Assert.Equal(
            [("Accepted", "False", "Invalid"), ("ResolvedRefs", "True", "ResolvedRefs")],
            result.Conditions.Select(c => (c.Type, c.Status, c.Reason)));
    }
}
