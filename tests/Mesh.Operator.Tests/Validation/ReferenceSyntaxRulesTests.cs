using Mesh.Operator.Validation;
using static Mesh.Operator.Tests.Validation.ValidationHarness;

namespace Mesh.Operator.Tests.Validation;

/// <summary>Istio's syntax for exportTo entries, gateway references and WorkloadEntry addresses and port names.</summary>
public sealed class ReferenceSyntaxRulesTests
{
    private const string We = "apiVersion: mesh.io/v1alpha1\nkind: WorkloadEntry\nmetadata: {name: test, namespace: default}\nspec:\n";

    private const string Route = "  http:\n  - route: [{destination: {host: reviews}}]\n";

    public static TheoryData<string, string, string, string> Rejected() => new()
    {
        { "VirtualService", Vs + "  hosts: [reviews]\n  exportTo: ['Shop_1']\n" + Route, "spec.exportTo[0]", "is not '.', '*' or a namespace name" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  exportTo: ['.', default]\n" + Route, "spec.exportTo[1]", "duplicate exportTo entry" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  exportTo: ['*', shop]\n" + Route, "spec.exportTo", "cannot be combined" },
        { "DestinationRule", Dr + "  host: multi\n  exportTo: [shop, shop]\n", "spec.exportTo[1]", "duplicate exportTo entry" },
        { "VirtualService", Vs + "  gateways: ['shop/']\n  hosts: [reviews]\n" + Route, "spec.gateways[0]", "invalid gateway reference" },
        { "VirtualService", Vs + "  gateways: ['shop/my_gateway']\n  hosts: [reviews]\n" + Route, "spec.gateways[0]", "invalid gateway reference" },
        { "VirtualService", Vs + "  gateways: ['*']\n  hosts: [reviews]\n" + Route, "spec.gateways[0]", "invalid gateway name" },
        { "VirtualService", Rule("match: [{gateways: ['a/b/c']}]"), "spec.http[0].match[0].gateways[0]", "invalid gateway reference" },
        { "WorkloadEntry", We + "  address: 'not an address'\n", "spec.address", "not an IP address or a host name" },
        { "WorkloadEntry", We + "  address: 10.0.0.9\n  ports: {http_1: 8080}\n", "spec.ports.http_1", "invalid port name" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Istio_rejects_the_reference_and_so_do_we(string kind, string yaml, string path, string message) =>
        AssertProblem(kind, yaml, path, DiagnosticSeverity.Error, message);

    [Theory]
    [InlineData("VirtualService", Vs + "  hosts: [reviews]\n  exportTo: ['.', shop]\n" + Route)]
    [InlineData("VirtualService", Vs + "  hosts: [reviews]\n  exportTo: ['*']\n" + Route)]
    [InlineData("VirtualService", Vs + "  gateways: [mesh, shop/public, public-gateway.shop.svc.cluster.local]\n  hosts: [reviews]\n" + Route)]
    [InlineData("VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - match: [{port: 0}]\n    route: [{destination: {host: reviews}}]\n")]
    [InlineData("WorkloadEntry", We + "  address: vm-1.example.com\n  ports: {http: 8080}\n")]
    [InlineData("WorkloadEntry", We + "  address: 'fd00::1'\n")]
    public void Istio_accepts_the_reference_and_so_do_we(string kind, string yaml) =>
        AssertAccepted(kind, yaml);
}
