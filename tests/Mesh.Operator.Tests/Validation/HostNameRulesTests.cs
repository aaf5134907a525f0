using Mesh.Operator.Validation;
using static Mesh.Operator.Tests.Validation.ValidationHarness;

namespace Mesh.Operator.Tests.Validation;

/// <summary>Istio's host name rules: FQDN and wildcard syntax, <c>*</c>, duplicates, wildcard destinations.</summary>
public sealed class HostNameRulesTests
{
    private const string Route = "  http:\n  - route: [{destination: {host: reviews}}]\n";

    public static TheoryData<string, string, string> Rejected() => new()
    {
        { Vs + "  hosts: ['*']\n" + Route, "spec.hosts[0]", "wildcard host * is not allowed" },
        { Vs + "  hosts: ['foo.*.com']\n" + Route, "spec.hosts[0]", "label '*' is invalid" },
        { Vs + "  hosts: ['a*b.example.com']\n" + Route, "spec.hosts[0]", "label 'a*b' is invalid" },
        { Vs + "  hosts: ['reviews_v1']\n" + Route, "spec.hosts[0]", "label 'reviews_v1' is invalid" },
        { Vs + "  hosts: ['-reviews']\n" + Route, "spec.hosts[0]", "is invalid" },
        { Vs + "  hosts: ['reviews..default']\n" + Route, "spec.hosts[0]", "label '' is invalid" },
        { Vs + "  hosts: ['foo.123']\n" + Route, "spec.hosts[0]", "cannot be all-numeric" },
        { Vs + "  hosts: ['']\n" + Route, "spec.hosts[0]", "must not be empty" },
        { Vs + "  hosts: [reviews, reviews]\n" + Route, "spec.hosts[1]", "duplicate hosts" },
        { Vs + "  hosts: ['*.example.com', 'api.example.com']\n" + Route, "spec.hosts[1]", "duplicate hosts" },
        { Vs + "  hosts: [reviews]\n  http:\n  - route: [{destination: {host: '*'}}]\n", "spec.http[0].route[0].destination.host", "* is not a valid destination" },
        { Vs + "  hosts: [reviews]\n  http:\n  - route: [{destination: {host: 'api.*.com'}}]\n", "spec.http[0].route[0].destination.host", "is invalid" },
        { Vs + "  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews}}]\n    mirror: {host: 'bad host'}\n", "spec.http[0].mirror.host", "is invalid" },
        { Dr + "  host: 'foo.*'\n", "spec.host", "is invalid" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Istio_rejects_the_host_and_so_do_we(string yaml, string path, string message) =>
        AssertProblem(yaml.Contains("kind: DestinationRule", StringComparison.Ordinal) ? "DestinationRule" : "VirtualService", yaml, path, DiagnosticSeverity.Error, message);

    [Theory]
    [InlineData("  hosts: [reviews.default.svc.cluster.local.]\n")]
    [InlineData("  hosts: [Reviews]\n")]
    [InlineData("  hosts: [reviews, reviews.default]\n")]
    [InlineData("  gateways: [my-gateway]\n  hosts: ['*']\n")]
    [InlineData("  hosts: [10.0.0.1]\n")]
    public void Istio_accepts_the_host_and_so_do_we(string hosts) =>
        AssertAccepted("VirtualService", Vs + hosts + Route);
}
