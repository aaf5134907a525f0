using Mesh.Operator.Validation;
using static Mesh.Operator.Tests.Validation.ValidationHarness;

namespace Mesh.Operator.Tests.Validation;

/// <summary>Istio's rules for the DestinationRule fields beyond the basic traffic policy: port-level settings, outlier detection's local-origin and minimum-health settings, connection pool protocol and connection settings, consistent-hash cookies and table sizes, locality balancing, TLS origination.</summary>
public sealed class DestinationRuleFieldRulesTests
{
    public static TheoryData<string, string, string> Rejected() => new()
    {
        { "  host: multi\n  trafficPolicy: {portLevelSettings: [{loadBalancer: {simple: RANDOM}}]}\n", "spec.trafficPolicy.portLevelSettings[0].port", "must name its port" },
        { "  host: multi\n  trafficPolicy: {portLevelSettings: [{port: {number: 80}}]}\n", "spec.trafficPolicy.portLevelSettings[0]", "at least one of" },
        { "  host: multi\n  trafficPolicy: {portLevelSettings: [null]}\n", "spec.trafficPolicy.portLevelSettings[0]", "must not be null" },
        { "  host: multi\n  trafficPolicy: {portLevelSettings: [{port: {number: 80}, connectionPool: {}}]}\n", "spec.trafficPolicy.portLevelSettings[0].connectionPool", "must set tcp or http" },
        { "  host: multi\n  subsets: [{name: a, labels: {app: multi}, trafficPolicy: {portLevelSettings: [{port: {number: 80}, outlierDetection: {interval: 0s}}]}}]\n", "spec.subsets[0].trafficPolicy.portLevelSettings[0].outlierDetection.interval", "at least 1ms" },
        { "  host: multi\n  trafficPolicy: {outlierDetection: {minHealthPercent: 101}}\n", "spec.trafficPolicy.outlierDetection.minHealthPercent", "between 0 and 100" },
        { "  host: multi\n  trafficPolicy: {outlierDetection: {consecutiveLocalOriginFailures: 3}}\n", "spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures", "splitExternalLocalOriginErrors is not true" },
        { "  host: multi\n  trafficPolicy: {outlierDetection: {consecutiveLocalOriginFailures: -1, splitExternalLocalOriginErrors: true}}\n", "spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures", "between 0" },
        { "  host: multi\n  trafficPolicy: {connectionPool: {http: {h2UpgradePolicy: UPGRADE, useClientProtocol: true}}}\n", "spec.trafficPolicy.connectionPool.http.useClientProtocol", "must not be true when h2UpgradePolicy is UPGRADE" },
        { "  host: multi\n  trafficPolicy: {connectionPool: {http: {h2UpgradePolicy: SOMETIMES}}}\n", "spec.trafficPolicy.connectionPool.http.h2UpgradePolicy", "not one of" },
        { "  host: multi\n  trafficPolicy: {connectionPool: {tcp: {maxConnectionDuration: 0s}}}\n", "spec.trafficPolicy.connectionPool.tcp.maxConnectionDuration", "at least 1ms" },
        { "  host: multi\n  trafficPolicy: {connectionPool: {tcp: {tcpKeepalive: {time: 100us}}}}\n", "spec.trafficPolicy.connectionPool.tcp.tcpKeepalive.time", "at least 1ms" },
        { "  host: multi\n  trafficPolicy: {connectionPool: {http: {maxConcurrentStreams: -1}}}\n", "spec.trafficPolicy.connectionPool.http.maxConcurrentStreams", "between 0" },
        { "  host: multi\n  trafficPolicy: {loadBalancer: {consistentHash: {httpCookie: {name: c}}}}\n", "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.ttl", "ttl is required" },
        { "  host: multi\n  trafficPolicy: {loadBalancer: {consistentHash: {httpCookie: {name: c, ttl: 1s, attributes: [{value: x}]}}}}\n", "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.attributes[0].name", "name is required" },
        { "  host: multi\n  trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true, maglev: {tableSize: 1000}}}}\n", "spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize", "prime" },
        { "  host: multi\n  trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true, maglev: {}}}}\n", "spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize", "must be set" },
        { "  host: multi\n  trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true, maglev: {tableSize: 5000011}}}}\n", "spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize", "less than 5000011" },
        { "  host: multi\n  trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true, minimumRingSize: 10, ringHash: {minimumRingSize: 10}}}}\n", "spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize", "only one of" },
        { "  host: multi\n  trafficPolicy:\n    outlierDetection: {consecutive5xxErrors: 1}\n    loadBalancer: {localityLbSetting: {distribute: [{from: r1/*, to: {r1/*: 100}}], failover: [{from: r1, to: r2}]}}\n", "spec.trafficPolicy.loadBalancer.localityLbSetting", "cannot both be set" },
        { "  host: multi\n  trafficPolicy:\n    outlierDetection: {consecutive5xxErrors: 1}\n    loadBalancer: {localityLbSetting: {failover: [{from: r1, to: r1}]}}\n", "spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0]", "different regions" },
        { "  host: multi\n  trafficPolicy:\n    outlierDetection: {consecutive5xxErrors: 1}\n    loadBalancer: {localityLbSetting: {failover: [{from: r1/z1, to: r2}]}}\n", "spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0].from", "region only" },
        { "  host: multi\n  trafficPolicy:\n    outlierDetection: {consecutive5xxErrors: 1}\n    loadBalancer: {localityLbSetting: {failover: [{from: r1, to: 'r*'}]}}\n", "spec.trafficPolicy.loadBalancer.localityLbSetting.failover[0].to", "cannot contain '*'" },
        { "  host: multi\n  trafficPolicy:\n    outlierDetection: {consecutive5xxErrors: 1}\n    loadBalancer: {localityLbSetting: {distribute: [{from: r1/*, to: {r1/*: 60, r2/*: 30}}]}}\n", "spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to", "sum to 100" },
        { "  host: multi\n  trafficPolicy:\n    outlierDetection: {consecutive5xxErrors: 1}\n    loadBalancer: {localityLbSetting: {distribute: [{from: r1/*, to: {r1/*: 100, r2/*: 0}}]}}\n", "spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].to[r2/*]", "1-100" },
        { "  host: multi\n  trafficPolicy:\n    outlierDetection: {consecutive5xxErrors: 1}\n    loadBalancer: {localityLbSetting: {distribute: [{from: 'r1/*/z', to: {r1/*: 100}}]}}\n", "spec.trafficPolicy.loadBalancer.localityLbSetting.distribute[0].from", "at the end" },
        { "  host: multi\n  trafficPolicy: {tls: {mode: SIMPLE, insecureSkipVerify: true, caCertificates: /etc/ca.pem}}\n", "spec.trafficPolicy.tls.insecureSkipVerify", "cannot be set when insecureSkipVerify" },
        { "  host: multi\n  trafficPolicy: {tls: {mode: MUTUAL, insecureSkipVerify: true, subjectAltNames: [a.example], clientCertificate: /c, privateKey: /k}}\n", "spec.trafficPolicy.tls.insecureSkipVerify", "cannot be set when insecureSkipVerify" },
        { "  host: multi\n  trafficPolicy: {tls: {mode: SIMPLE, insecureSkipVerify: true, credentialName: shop-tls}}\n", "spec.trafficPolicy.tls.insecureSkipVerify", "credentialName and subjectAltNames cannot be set" },
        { "  host: multi\n  trafficPolicy: {tls: {mode: MUTUAL, clientCertificate: /etc/client.pem}}\n", "spec.trafficPolicy.tls.privateKey", "private key required for MUTUAL" },
        { "  host: multi\n  trafficPolicy: {tls: {mode: MUTUAL, privateKey: /etc/client.key}}\n", "spec.trafficPolicy.tls.clientCertificate", "client certificate required for MUTUAL" },
        { "  host: multi\n  trafficPolicy: {tls: {mode: SIMPLE, credentialName: shop-tls, caCertificates: /etc/ca.pem}}\n", "spec.trafficPolicy.tls.credentialName", "cannot be set when credentialName is set" },
    };

    public static TheoryData<string, string, string> Warned() => new()
    {
        { "  host: multi\n  trafficPolicy: {portLevelSettings: [{port: {number: 80}, loadBalancer: {simple: RANDOM}}, {port: {number: 80}, loadBalancer: {simple: ROUND_ROBIN}}]}\n", "spec.trafficPolicy.portLevelSettings[1].port.number", "also set by spec.trafficPolicy.portLevelSettings[0]" },
        { "  host: multi\n  trafficPolicy: {portLevelSettings: [{port: {}, loadBalancer: {simple: RANDOM}}]}\n", "spec.trafficPolicy.portLevelSettings[0].port.number", "never applies" },
        { "  host: multi\n  trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true, minimumRingSize: 10}}}\n", "spec.trafficPolicy.loadBalancer.consistentHash.minimumRingSize", "deprecated" },
        { "  host: multi\n  trafficPolicy: {loadBalancer: {simple: LEAST_CONN}}\n", "spec.trafficPolicy.loadBalancer.simple", "LEAST_CONN is deprecated: use LEAST_REQUEST" },
        { "  host: multi\n  trafficPolicy: {portLevelSettings: [{port: {number: 80}, loadBalancer: {simple: LEAST_CONN}}]}\n", "spec.trafficPolicy.portLevelSettings[0].loadBalancer.simple", "LEAST_CONN is deprecated" },
        { "  host: multi\n  trafficPolicy: {loadBalancer: {localityLbSetting: {failover: [{from: r1, to: r2}]}}}\n", "spec.trafficPolicy.loadBalancer.localityLbSetting", "failover needs outlierDetection" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Istio_rejects_it_and_so_do_we(string spec, string path, string message) =>
        AssertProblem("DestinationRule", Dr + spec, path, DiagnosticSeverity.Error, message);

    [Theory]
    [MemberData(nameof(Warned))]
    public void Istio_accepts_it_and_we_warn(string spec, string path, string message) =>
        AssertProblem("DestinationRule", Dr + spec, path, DiagnosticSeverity.Warning, message);

    [Theory]
    [InlineData("  host: multi\n  trafficPolicy: {portLevelSettings: [{port: {number: 80}, tls: {mode: DISABLE}}]}\n")]
    [InlineData("  host: multi\n  trafficPolicy: {outlierDetection: {minHealthPercent: 0, splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailures: 2}}\n")]
    [InlineData("  host: multi\n  trafficPolicy:\n    loadBalancer: {simple: RANDOM}\n    portLevelSettings: [{port: {number: 8081}, loadBalancer: {consistentHash: {httpHeaderName: x-user}}}]\n")]
    [InlineData("  host: multi\n  trafficPolicy: {connectionPool: {http: {h2UpgradePolicy: DO_NOT_UPGRADE, useClientProtocol: true, idleTimeout: 30s, maxConcurrentStreams: 10}, tcp: {maxConnectionDuration: 1h, tcpKeepalive: {probes: 3}}}}\n")]
    [InlineData("  host: multi\n  trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user, maglev: {tableSize: 65537}}}}\n")]
    [InlineData("  host: multi\n  trafficPolicy: {loadBalancer: {consistentHash: {httpCookie: {name: c, ttl: 1h, path: /, attributes: [{name: Secure}]}, ringHash: {minimumRingSize: 2048}}}}\n")]
    [InlineData("  host: multi\n  trafficPolicy:\n    outlierDetection: {consecutive5xxErrors: 1}\n    loadBalancer: {localityLbSetting: {failover: [{from: r1, to: r2}], failoverPriority: [topology.kubernetes.io/zone]}}\n")]
    [InlineData("  host: multi\n  trafficPolicy:\n    outlierDetection: {consecutive5xxErrors: 1}\n    loadBalancer: {localityLbSetting: {distribute: [{from: r1/z1/*, to: {r1/z1/*: 80, r1/z2/*: 20}}]}}\n")]
    [InlineData("  host: multi\n  trafficPolicy: {tls: {mode: SIMPLE, sni: shop.example, caCertificates: /etc/ca.pem, subjectAltNames: [shop.example]}}\n")]
    [InlineData("  host: multi\n  trafficPolicy: {tls: {mode: SIMPLE, insecureSkipVerify: true}}\n")]
    public void Istio_accepts_it_and_so_do_we(string spec) =>
        AssertAccepted("DestinationRule", Dr + spec);
}
