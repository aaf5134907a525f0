using Mesh.Operator.Resources;
using Mesh.Operator.Tests.Sources;
using Mesh.Testing;

namespace Mesh.Operator.Tests.Chart;

/// <summary>
/// The chart's RBAC against what the operator really asks of the API server: the kube-mode machinery (informers,
/// leader election, status writer) runs against the recording fake API server, every request must be granted by
/// the rules of the chart as helm renders it, and every permission the rules grant must be either observed or listed in
/// <see cref="GrantedForFeaturesNotExercisedHere"/> with the feature that needs it.
/// </summary>
public sealed class RbacTests
{
    // The KubeOperator fixture's Lease namespace: where the operator runs, and the only namespace the Role covers.
    private const string OperatorNamespace = "mesh-system";

    /// <summary>
    /// Permissions the chart grants for features this run does not exercise. Each line says which feature needs it;
    /// remove a line when its feature goes away (the test then fails until the rule is removed from the chart too).
    /// </summary>
    private static readonly Dictionary<(string Verb, string Group, string Resource), string> GrantedForFeaturesNotExercisedHere = new()
    {
        // Self-managed webhook certificate (--webhook-secret): the serving key pair kept in secret mesh-webhook-tls.
        // The mesh CA: its root key kept in secret mesh-ca. Both in the operator's namespace only.
        [("create", "", "secrets")] = "webhook certificate and mesh CA secrets, created on first start",
        [("get", "", "secrets")] = "webhook certificate and mesh CA secrets, read at start",
        [("patch", "", "secrets")] = "webhook certificate rotation",
        // Self-managed webhook certificate (--webhook-configuration): the CA goes into mesh-sidecar-injector's caBundle.
        [("get", "admissionregistration.k8s.io", "mutatingwebhookconfigurations")] = "webhook caBundle: read the current bundle",
        [("patch", "admissionregistration.k8s.io", "mutatingwebhookconfigurations")] = "webhook caBundle: write the CA",
        // The mesh CA's SignCertificate: the caller's service-account token is verified before its identity is signed.
        [("create", "authentication.k8s.io", "tokenreviews")] = "mesh CA: verify the proxy's service-account token",
    };

    [HelmFact]
    public async Task Every_request_of_the_kube_mode_operator_is_granted_and_every_grant_is_used_or_explained()
    {
        var requests = await RecordOperatorRequestsAsync();
        var rules = await RbacRule.FromChartAsync();

        var denied = requests.Where(r => !rules.Any(rule => rule.Grants(r, OperatorNamespace))).Select(r => r.ToString()).Distinct().ToList();
        Assert.True(denied.Count == 0, "requests the chart's RBAC denies:\n" + string.Join('\n', denied));

        var unused = rules
            .SelectMany(rule => rule.Permissions().Select(p => (Rule: rule, Permission: p)))
            .Where(x => !requests.Any(r => x.Rule.Grants(r, OperatorNamespace) && (r.Verb, r.Group, r.ResourceWithSubresource) == x.Permission))
            .Select(x => x.Permission)
            .Where(p => !GrantedForFeaturesNotExercisedHere.ContainsKey(p))
            .ToList();
        Assert.True(unused.Count == 0, "granted but neither used nor explained:\n" + string.Join('\n', unused));
    }

    [HelmFact]
    public async Task Every_explained_permission_is_actually_granted_by_the_chart()
    {
        var granted = (await RbacRule.FromChartAsync()).SelectMany(rule => rule.Permissions()).ToHashSet();

        Assert.DoesNotContain(GrantedForFeaturesNotExercisedHere.Keys, p => !granted.Contains(p));
    }

    [HelmFact]
    public async Task Secrets_and_leases_are_granted_only_in_the_operators_namespace_and_only_by_name_except_create()
    {
        var rules = await RbacRule.FromChartAsync();

        Assert.DoesNotContain(rules, r => !r.Namespaced && (r.Resources.Contains("secrets") || r.Resources.Contains("leases")));
        Assert.All(
            rules.Where(r => r.Resources.Contains("secrets") || r.Resources.Contains("leases")),
            r => Assert.True(r.ResourceNames.Length > 0 || r.Verbs.SequenceEqual(["create"]), $"{string.Join(',', r.Verbs)} on {string.Join(',', r.Resources)} must name its objects"));
        Assert.False(rules.Single(r => r.Resources.Contains("secrets") && r.ResourceNames.Length > 0).Grants(new ApiRequest("get", "", "secrets", null, OperatorNamespace, "someone-elses"), OperatorNamespace));
        Assert.DoesNotContain(rules, r => r.Grants(new ApiRequest("get", "", "secrets", null, "default", "mesh-ca"), OperatorNamespace));
    }

    [HelmFact]
    public async Task A_request_outside_the_rules_is_denied_by_the_matcher()
    {
        var rules = await RbacRule.FromChartAsync();

        Assert.DoesNotContain(rules, r => r.Grants(ApiRequest.Parse("DELETE", "/api/v1/namespaces/default/pods/reviews-1", isWatch: false), OperatorNamespace));
        Assert.DoesNotContain(rules, r => r.Grants(ApiRequest.Parse("PATCH", "/apis/mesh.io/v1alpha1/namespaces/default/virtualservices/reviews", isWatch: false), OperatorNamespace));
        Assert.Contains(rules, r => r.Grants(ApiRequest.Parse("PATCH", "/apis/mesh.io/v1alpha1/namespaces/default/virtualservices/reviews/status", isWatch: false), OperatorNamespace));
    }

    private static async Task<List<ApiRequest>> RecordOperatorRequestsAsync()
    {
        await using var kube = await FakeKube.StartAsync();
        kube.SeedOneOfEach();
        await using (var op = await KubeOperator.StartAsync(kube))
        {
            // Synced (a watch per informer), leading (the Lease created and renewed) and status written on all four kinds.
            await Eventually.AssertAsync(
                () =>
                {
                    var seen = Parse(kube);
                    return op.Source.HasSynced
                        && seen.Where(r => r.Verb == "watch").Select(r => r.Resource).Distinct().Count() == 8
                        && seen.Count(r => r.Resource == "leases" && r.Verb == "update") >= 1
                        && seen.Where(r => r.Subresource == "status").Select(r => r.Resource).Distinct().Count() == FakeKube.MeshTypes.Count;
                },
                "the operator syncs, leads, renews its Lease and writes status on every mesh.io kind",
                TimeSpan.FromSeconds(30));
        }

        return Parse(kube);
    }

    private static List<ApiRequest> Parse(FakeKube kube) =>
        [.. kube.Server.Requests.ToList().Select(r => ApiRequest.Parse(r.Method, r.Path, r.IsWatch))];
}
