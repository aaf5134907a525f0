using Mesh.Operator.Validation;
using static Mesh.Operator.Tests.Validation.ValidationHarness;

namespace Mesh.Operator.Tests.Validation;

/// <summary>Istio's duration rule, per field: at least 1ms, whole milliseconds (CORS maxAge: whole seconds).</summary>
public sealed class DurationRulesTests
{
    public static TheoryData<string, string, string, string> Rejected() => new()
    {
        { "VirtualService", Rule("timeout: 0s"), "spec.http[0].timeout", "at least 1ms" },
        { "VirtualService", Rule("timeout: 500us"), "spec.http[0].timeout", "at least 1ms" },
        { "VirtualService", Rule("timeout: 1.0005s"), "spec.http[0].timeout", "whole milliseconds" },
        { "VirtualService", Rule("retries: {attempts: 2, perTryTimeout: 0.1ms}"), "spec.http[0].retries.perTryTimeout", "at least 1ms" },
        { "VirtualService", Rule("fault: {delay: {fixedDelay: 0s, percentage: {value: 5}}}"), "spec.http[0].fault.delay.fixedDelay", "at least 1ms" },
        { "VirtualService", Rule("corsPolicy: {maxAge: 1500ms}"), "spec.http[0].corsPolicy.maxAge", "whole seconds" },
        { "DestinationRule", Dr + "  host: multi\n  trafficPolicy: {connectionPool: {tcp: {connectTimeout: 0s}}}\n", "spec.trafficPolicy.connectionPool.tcp.connectTimeout", "at least 1ms" },
        { "DestinationRule", Dr + "  host: multi\n  trafficPolicy: {connectionPool: {http: {idleTimeout: 1500us}}}\n", "spec.trafficPolicy.connectionPool.http.idleTimeout", "whole milliseconds" },
        { "DestinationRule", Dr + "  host: multi\n  trafficPolicy: {outlierDetection: {interval: 0ms}}\n", "spec.trafficPolicy.outlierDetection.interval", "at least 1ms" },
        { "DestinationRule", Dr + "  host: multi\n  trafficPolicy: {outlierDetection: {baseEjectionTime: 100ns}}\n", "spec.trafficPolicy.outlierDetection.baseEjectionTime", "at least 1ms" },
        { "DestinationRule", Dr + "  host: multi\n  trafficPolicy: {loadBalancer: {consistentHash: {httpCookie: {name: c, ttl: 0s}}}}\n", "spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.ttl", "at least 1ms" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Istio_rejects_the_duration_and_so_do_we(string kind, string yaml, string path, string message) =>
        AssertProblem(kind, yaml, path, DiagnosticSeverity.Error, message);

    [Theory]
    [InlineData("timeout: 1ms")]
    [InlineData("timeout: 1.5s")]
    [InlineData("timeout: 1m30s")]
    [InlineData("retries: {attempts: 3, perTryTimeout: 250ms}")]
    [InlineData("corsPolicy: {maxAge: 24h}")]
    public void Istio_accepts_the_duration_and_so_do_we(string lines) =>
        AssertAccepted("VirtualService", Rule(lines));
}
