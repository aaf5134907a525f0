using Mesh.Operator.Validation;
using static Mesh.Operator.Tests.Validation.ValidationHarness;

namespace Mesh.Operator.Tests.Validation;

/// <summary>
/// Istio's rules for the fields that were ignored before: retries.backoff, redirect.prefixRewrite, the deprecated
/// mirrorPercent, connectionPool.http.http2KeepAlive, connectionPool.tcp.idleTimeout and zoneAwareLbSetting, each
/// problem at its field path.
/// </summary>
public sealed class IstioFieldRulesTests
{
    public static TheoryData<string, string, string> RejectedRules() => new()
    {
        { "retries: {attempts: 2, backoff: 0.5ms}", "spec.http[0].retries.backoff", "at least 1ms" },
        { "retries: {attempts: 0, retryRemoteLocalities: true}", "spec.http[0].retries.attempts", "attempts is 0" },
        { "mirror: {host: reviews, subset: v2}\nmirrorPercent: 101", "spec.http[0].mirrorPercent", "between 0 and 100" },
        { "mirrors: [{destination: {host: reviews, subset: v2}}]\nmirrorPercent: 10", "spec.http[0].mirrorPercent", "each of mirrors has its own percentage" },
        { "fault: {delay: {exponentialDelay: 1s, percentage: {value: 10}}}", "spec.http[0].fault.delay.exponentialDelay", "not supported" },
        { "fault: {abort: {http2Error: REFUSED_STREAM, percentage: {value: 10}}}", "spec.http[0].fault.abort.http2Error", "not supported" },
    };

    public static TheoryData<string, string, string> RejectedRedirects() => new()
    {
        { "{redirect: {uri: /a, prefixRewrite: /b}}", "spec.http[0].redirect.prefixRewrite", "uri or prefixRewrite, not both" },
        { "{match: [{uri: {prefix: /a}}, {uri: {exact: /b}}], redirect: {prefixRewrite: /c}}", "spec.http[0].redirect.prefixRewrite", "match[1].uri is not a prefix match" },
        { "{match: [{uri: {regex: /a.*}}], redirect: {prefixRewrite: /c}}", "spec.http[0].redirect.prefixRewrite", "match[0].uri is not a prefix match" },
    };

    public static TheoryData<string, string, string> RejectedPolicies() => new()
    {
        { "{connectionPool: {http: {http2KeepAlive: {timeout: 5s}}}}", "spec.trafficPolicy.connectionPool.http.http2KeepAlive.interval", "required" },
        { "{connectionPool: {http: {http2KeepAlive: {interval: 15s}}}}", "spec.trafficPolicy.connectionPool.http.http2KeepAlive.timeout", "required" },
        { "{connectionPool: {http: {http2KeepAlive: {interval: 15.0000005s, timeout: 5s}}}}", "spec.trafficPolicy.connectionPool.http.http2KeepAlive.interval", "whole milliseconds" },
        { "{connectionPool: {tcp: {idleTimeout: 0.5ms}}}", "spec.trafficPolicy.connectionPool.tcp.idleTimeout", "at least 1ms" },
        { "{loadBalancer: {localityLbSetting: {}, zoneAwareLbSetting: {}}}", "spec.trafficPolicy.loadBalancer.zoneAwareLbSetting", "only one of localityLbSetting and zoneAwareLbSetting" },
        { "{outlierDetection: {consecutive5xxErrors: 1}, loadBalancer: {zoneAwareLbSetting: {failover: [{from: r1, to: r1}]}}}", "spec.trafficPolicy.loadBalancer.zoneAwareLbSetting.failover[0]", "different regions" },
        { "{outlierDetection: {consecutive5xxErrors: 1}, loadBalancer: {zoneAwareLbSetting: {failover: [{from: r1/z1, to: r2}]}}}", "spec.trafficPolicy.loadBalancer.zoneAwareLbSetting.failover[0].from", "region only" },
        { "{outlierDetection: {consecutive5xxErrors: 1}, loadBalancer: {zoneAwareLbSetting: {failoverPriority: [topology.kubernetes.io/zone]}}}", "spec.trafficPolicy.loadBalancer.zoneAwareLbSetting.failoverPriority[0]", "must not name them" },
        { "{loadBalancer: {zoneAwareLbSetting: {minClusterSize: 0}}}", "spec.trafficPolicy.loadBalancer.zoneAwareLbSetting.minClusterSize", "between 1" },
    };

    [Theory]
    [MemberData(nameof(RejectedRules))]
    public void A_rule_istio_rejects_is_rejected_at_the_field(string lines, string path, string message) =>
        AssertProblem("VirtualService", Rule(lines), path, DiagnosticSeverity.Error, message);

    [Theory]
    [MemberData(nameof(RejectedRedirects))]
    public void A_redirect_istio_rejects_is_rejected_at_the_field(string rule, string path, string message) =>
        AssertProblem("VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - " + rule + "\n", path, DiagnosticSeverity.Error, message);

    [Theory]
    [MemberData(nameof(RejectedPolicies))]
    public void A_traffic_policy_istio_rejects_is_rejected_at_the_field(string policy, string path, string message) =>
        AssertProblem("DestinationRule", Dr + "  host: multi\n  trafficPolicy: " + policy + "\n", path, DiagnosticSeverity.Error, message);

    [Fact]
    public void MirrorPercent_is_accepted_with_a_deprecation_warning_naming_its_replacement() =>
        AssertProblem("VirtualService", Rule("mirror: {host: reviews, subset: v2}\nmirrorPercent: 5"), "spec.http[0].mirrorPercent", DiagnosticSeverity.Warning, "use mirrorPercentage");

    [Fact]
    public void An_ip_address_as_sni_host_is_accepted_with_a_warning() =>
        AssertProblem(
            "VirtualService",
            Vs + "  hosts: [reviews]\n  tls: [{match: [{port: 9080, sniHosts: [10.1.1.1]}], route: [{destination: {host: reviews}}]}]\n",
            "spec.tls[0].match[0].sniHosts[0]",
            DiagnosticSeverity.Warning,
            "goes against the SNI specification");

    [Fact]
    public void ZoneAware_minClusterSize_is_accepted_with_a_warning_that_it_is_not_applied() =>
        AssertProblem("DestinationRule", Dr + "  host: multi\n  trafficPolicy: {loadBalancer: {zoneAwareLbSetting: {minClusterSize: 6}}}\n", "spec.trafficPolicy.loadBalancer.zoneAwareLbSetting.minClusterSize", DiagnosticSeverity.Warning, "not applied");

    [Fact]
    public void MaxRequestsPerConnection_above_one_is_accepted_with_a_warning_that_it_is_not_applied() =>
        AssertProblem("DestinationRule", Dr + "  host: multi\n  trafficPolicy: {connectionPool: {http: {maxRequestsPerConnection: 3}}}\n", "spec.trafficPolicy.connectionPool.http.maxRequestsPerConnection", DiagnosticSeverity.Warning, "not applied above 1");

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void MaxRequestsPerConnection_the_sidecars_apply_draws_no_diagnostic(int limit)
    {
        var (result, _) = Compile(Dr + $"  host: multi\n  trafficPolicy: {{connectionPool: {{http: {{maxRequestsPerConnection: {limit}}}}}}}\n", "DestinationRule");

        Assert.Empty(result.Diagnostics);
    }

    [Theory]
    [InlineData("{connectionPool: {tcp: {idleTimeout: 0s}}}")]
    [InlineData("{connectionPool: {tcp: {idleTimeout: 90s}, http: {http2KeepAlive: {interval: 15s, timeout: 5s}}}}")]
    [InlineData("{loadBalancer: {simple: ROUND_ROBIN, zoneAwareLbSetting: {enabled: true}}}")]
    [InlineData("{outlierDetection: {consecutive5xxErrors: 5}, loadBalancer: {zoneAwareLbSetting: {failover: [{from: us-east, to: eu-west}], failoverPriority: [example.com/rack]}}}")]
    public void A_traffic_policy_istio_accepts_is_accepted(string policy) =>
        AssertAccepted("DestinationRule", Dr + "  host: multi\n  trafficPolicy: " + policy + "\n");

    [Theory]
    [InlineData("{match: [{uri: {prefix: /foo}}, {headers: {x-a: {exact: b}}}], redirect: {prefixRewrite: /bar, redirectCode: 302}}")]
    [InlineData("{redirect: {authority: foo.example.com, prefixRewrite: /}}")]
    [InlineData("{route: [{destination: {host: reviews}}], retries: {attempts: 3, backoff: 250ms, retryRemoteLocalities: false}}")]
    public void A_rule_istio_accepts_is_accepted(string rule) =>
        AssertAccepted("VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - " + rule + "\n");
}
