using Mesh.Operator.Validation;
using static Mesh.Operator.Tests.Validation.ValidationHarness;

namespace Mesh.Operator.Tests.Validation;

/// <summary>Istio rejects sections that are present but say nothing, and retry settings with retries disabled.</summary>
public sealed class EmptySectionRulesTests
{
    public static TheoryData<string, string, string, string> Rejected() => new()
    {
        { "VirtualService", Rule("rewrite: {}"), "spec.http[0].rewrite", "must set uri, uriRegexRewrite or authority" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - redirect: {}\n", "spec.http[0].redirect", "must set uri, prefixRewrite, authority, scheme or port" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - redirect: {uri: /x}\n    rewrite: {uri: /y}\n", "spec.http[0].rewrite", "cannot have a rewrite" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - redirect: {uri: /x}\n    fault: {abort: {httpStatus: 500, percentage: {value: 1}}}\n", "spec.http[0].fault", "cannot have a fault" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - redirect: {uri: /x, redirectCode: 200}\n", "spec.http[0].redirect.redirectCode", "not a redirect status" },
        { "VirtualService", Rule("retries: {attempts: 0, retryOn: 5xx}"), "spec.http[0].retries.attempts", "attempts is 0" },
        { "VirtualService", Rule("retries: {perTryTimeout: 1s}"), "spec.http[0].retries.attempts", "attempts is 0" },
        { "VirtualService", Rule("retries: {attempts: 2, retryOn: '5xx,'}"), "spec.http[0].retries.retryOn", "'' is not a retry condition" },
        { "VirtualService", Rule("retries: {attempts: 2, retryOn: '5xx, reset'}"), "spec.http[0].retries.retryOn", "' reset' is not a retry condition" },
        { "VirtualService", Rule("retries: {attempts: 2, retryOn: '599'}"), "spec.http[0].retries.retryOn", "'599' is not a retry condition" },
        { "VirtualService", Rule("fault: {abort: {httpStatus: 601, percentage: {value: 1}}}"), "spec.http[0].fault.abort.httpStatus", "not in range" },
        { "VirtualService", Rule("fault: {abort: {grpcStatus: SOMETIMES, percentage: {value: 1}}}"), "spec.http[0].fault.abort.grpcStatus", "not a gRPC status" },
        { "VirtualService", Rule("fault: {abort: {httpStatus: 503, percentage: {value: 0.00001}}}"), "spec.http[0].fault.abort.percentage.value", "between 0.0001 and 100" },
        { "VirtualService", Vs + "  hosts: [reviews]\n", "spec.http", "http, tcp or tls routes are required" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http: []\n", "spec.http", "http, tcp or tls routes are required" },
        { "DestinationRule", Dr + "  host: multi\n  trafficPolicy: {}\n", "spec.trafficPolicy", "at least one of" },
        { "DestinationRule", Dr + "  host: multi\n  trafficPolicy: {connectionPool: {}}\n", "spec.trafficPolicy.connectionPool", "must set tcp or http" },
        { "DestinationRule", Dr + "  host: multi\n  subsets: [{name: a, labels: {app: multi}, trafficPolicy: {}}]\n", "spec.subsets[0].trafficPolicy", "at least one of" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Istio_rejects_the_section_and_so_do_we(string kind, string yaml, string path, string message) =>
        AssertProblem(kind, yaml, path, DiagnosticSeverity.Error, message);
}
