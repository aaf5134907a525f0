using Mesh.Operator.Validation;
using static Mesh.Operator.Tests.Validation.ValidationHarness;

namespace Mesh.Operator.Tests.Validation;

/// <summary>Kubernetes label syntax in subsets and sourceLabels, and Istio's subset names (DNS labels).</summary>
public sealed class LabelRulesTests
{
    public static TheoryData<string, string, string, string> Rejected() => new()
    {
        { "DestinationRule", Dr + "  host: multi\n  subsets: [{name: v1, labels: {'version!': v1}}]\n", "spec.subsets[0].labels['version!']", "invalid label key" },
        { "DestinationRule", Dr + "  host: multi\n  subsets: [{name: v1, labels: {version: 'v1 beta'}}]\n", "spec.subsets[0].labels.version", "invalid label value" },
        { "DestinationRule", Dr + "  host: multi\n  subsets: [{name: v1, labels: {version: '-v1'}}]\n", "spec.subsets[0].labels.version", "invalid label value" },
        { "DestinationRule", Dr + "  host: multi\n  subsets: [{name: v1, labels: {'Example.com/version': v1}}]\n", "spec.subsets[0].labels['Example.com/version']", "invalid label key" },
        { "DestinationRule", Dr + "  host: multi\n  subsets: [{name: v1, labels: {'a/b/c': v1}}]\n", "spec.subsets[0].labels['a/b/c']", "invalid label key" },
        { "DestinationRule", Dr + "  host: multi\n  subsets: [{name: v1, labels: {version: " + new string('a', 64) + "}}]\n", "spec.subsets[0].labels.version", "invalid label value" },
        { "DestinationRule", Dr + "  host: multi\n  subsets: [{name: v1, labels: {version: }}]\n", "spec.subsets[0].labels.version", "must not be null" },
        { "DestinationRule", Dr + "  host: multi\n  subsets: [{name: v1.0, labels: {version: v1}}]\n", "spec.subsets[0].name", "invalid subset name" },
        { "DestinationRule", Dr + "  host: multi\n  subsets: [{name: v_1, labels: {version: v1}}]\n", "spec.subsets[0].name", "invalid subset name" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - route: [{destination: {host: reviews, subset: 'v1.x'}}]\n", "spec.http[0].route[0].destination.subset", "invalid subset name" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - match: [{sourceLabels: {'app&': productpage}}]\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].match[0].sourceLabels['app&']", "invalid label key" },
        { "VirtualService", Vs + "  hosts: [reviews]\n  http:\n  - match: [{sourceLabels: {app: 'product page'}}]\n    route: [{destination: {host: reviews}}]\n", "spec.http[0].match[0].sourceLabels.app", "invalid label value" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Istio_rejects_the_label_or_name_and_so_do_we(string kind, string yaml, string path, string message) =>
        AssertProblem(kind, yaml, path, DiagnosticSeverity.Error, message);

    [Theory]
    [InlineData("{name: v1, labels: {version: v1}}")]
    [InlineData("{name: v1, labels: {'app.kubernetes.io/version': 'v1.0_b-2'}}")]
    [InlineData("{name: v1, labels: {version: ''}}")]
    [InlineData("{name: V1, labels: {version: v1}}")]
    public void Istio_accepts_the_subset_and_so_do_we(string subset) =>
        AssertAccepted("DestinationRule", Dr + "  host: multi\n  subsets: [" + subset + "]\n");
}
