using Mesh.Api.V1;
using Mesh.Operator.Compiler;
using Mesh.Operator.Validation;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>VirtualService delegate: Istio's merge of a root rule with its delegate's rules, and what is reported where.</summary>
public sealed class DelegationTests
{
    private const string Root = """
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: {name: root, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - name: api
            match: [{uri: {prefix: /api}}]
            timeout: 3s
            headers: {request: {set: {x-root: "1"}}}
            delegate: {name: reviews-api}
          - name: rest
            route: [{destination: {host: reviews, subset: v1}}]
        ---

        """;

    [Fact]
    public void Delegate_rules_replace_the_root_rule_with_merged_matches_and_root_settings_they_leave_unset()
    {
        var mesh = Compile(Root + Delegate("""
            - name: v2
              match: [{uri: {prefix: /api/v2}, headers: {x-user: {exact: a}}}]
              timeout: 1s
              route: [{destination: {host: reviews, subset: v2}}]
            - route: [{destination: {host: reviews, subset: v3}}]
            """));

        var routes = mesh.ConfigFor("default").Host("reviews.default.svc.cluster.local").Routes;
        Assert.Equal(["api-v2", "api", "rest"], routes.Select(r => r.Name));
        Assert.Equal("/api/v2", routes[0].Matches.Single().Uri.Prefix);
        Assert.Equal("a", routes[0].Matches.Single().Headers.Single(h => h.Name == "x-user").Match.Exact);
        Assert.Equal(1, routes[0].Timeout.Seconds);
        Assert.Equal("/api", routes[1].Matches.Single().Uri.Prefix);
        Assert.Equal(3, routes[1].Timeout.Seconds);
        Assert.All(routes.Take(2), r => Assert.Equal("1", r.Headers.Request.Set.Single(h => h.Name == "x-root").Value));
        Assert.Equal("outbound|9080|v3|reviews.default.svc.cluster.local", routes[1].Forward.Destinations.Single().Cluster);
        var status = Result(mesh, "reviews-api");
        Assert.True(status.IsAccepted);
        Assert.Contains("delegate of default/root (spec.http[0])", status.Conditions.Single(c => c.Type == ResourceResult.Accepted).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_delegate_rule_whose_match_leaves_the_roots_is_dropped_with_a_warning_on_the_delegate()
    {
        var mesh = Compile(Root + Delegate("""
            - match: [{uri: {prefix: /other}}]
              route: [{destination: {host: reviews, subset: v2}}]
            - match: [{uri: {regex: '/api/.*'}}]
              route: [{destination: {host: reviews, subset: v2}}]
            - match: [{uri: {exact: /api/v3}}]
              route: [{destination: {host: reviews, subset: v3}}]
            """));

        var routes = mesh.ConfigFor("default").Host("reviews.default.svc.cluster.local").Routes;
        Assert.Equal(["api", "rest"], routes.Select(r => r.Name));
        Assert.Equal("/api/v3", routes[0].Matches.Single().Uri.Exact);
        var warnings = Result(mesh, "reviews-api").Diagnostics;
        Assert.Equal(["spec.http[0].match", "spec.http[1].match"], warnings.Select(d => d.Path));
        Assert.All(warnings, d => Assert.Contains("not within the match of root VirtualService default/root spec.http[0]", d.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_delegate_leaves_only_that_rule_out_and_turns_resolved_refs_false()
    {
        var mesh = Compile(Root);

        Assert.Equal(["rest"], mesh.ConfigFor("default").Host("reviews.default.svc.cluster.local").Routes.Select(r => r.Name));
        var root = Result(mesh, "root");
        Assert.True(root.IsAccepted);
        var problem = Assert.Single(root.Diagnostics);
        Assert.Equal("spec.http[0].delegate", problem.Path);
        Assert.Equal(DiagnosticSeverity.Warning, problem.Severity);
        Assert.Contains("delegate VirtualService default/reviews-api not found", problem.Message, StringComparison.Ordinal);
        Assert.Equal("False", root.Conditions.Single(c => c.Type == ResourceResult.ResolvedRefs).Status);
    }

    [Fact]
    public void A_delegate_not_exported_to_the_roots_namespace_is_not_used()
    {
        var mesh = Compile(Root + Delegate("- route: [{destination: {host: reviews, subset: v2}}]", "  exportTo: [other]\n"));

        Assert.Equal(["rest"], mesh.ConfigFor("default").Host("reviews.default.svc.cluster.local").Routes.Select(r => r.Name));
        Assert.Contains("not exported to namespace default", Assert.Single(Result(mesh, "root").Diagnostics).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_delegate_in_another_namespace_resolves_its_short_hosts_there()
    {
        var mesh = Compile("""
            apiVersion: v1
            kind: Service
            metadata: {name: ratings, namespace: shop}
            spec:
              selector: {app: ratings}
              ports: [{name: http, port: 9080}]
            ---

            """ + Root.Replace("delegate: {name: reviews-api}", "delegate: {name: reviews-api, namespace: shop}", StringComparison.Ordinal)
            + Delegate("- route: [{destination: {host: ratings}}]").Replace("namespace: default", "namespace: shop", StringComparison.Ordinal));

        var route = mesh.ConfigFor("default").Host("reviews.default.svc.cluster.local").Routes[0];
        Assert.Equal("outbound|9080||ratings.shop.svc.cluster.local", route.Forward.Destinations.Single().Cluster);
    }

    [Fact]
    public void A_delegate_used_by_no_root_is_warned_that_it_configures_nothing()
    {
        var mesh = Compile(Delegate("- route: [{destination: {host: reviews, subset: v2}}]"));

        var problem = Assert.Single(Result(mesh, "reviews-api").Diagnostics);
        Assert.Equal("spec.hosts", problem.Path);
        Assert.Contains("no root VirtualService delegates to this one", problem.Message, StringComparison.Ordinal);
    }

    private static CompiledMesh Compile(string yaml) => MeshFixture.Compile(MeshFixture.Reviews + yaml);

    private static string Delegate(string rules, string extra = "") => $$"""
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: {name: reviews-api, namespace: default}
        spec:
        {{extra}}  http:
        {{string.Join("", rules.Split('\n').Select(l => "  " + l + "\n"))}}
        """;

    private static ResourceResult Result(CompiledMesh mesh, string name) => mesh.Results.Single(r => r.Resource.Name == name);
}
