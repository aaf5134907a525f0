using Mesh.Operator.Validation;
using static Mesh.Operator.Tests.Validation.ValidationHarness;

namespace Mesh.Operator.Tests.Validation;

/// <summary>Istio's string match rules: empty prefixes (except uri) and empty regexes, RE2, null match blocks.</summary>
public sealed class StringMatchRulesTests
{
    public static TheoryData<string, string, string> Rejected() => new()
    {
        { "match: [{method: {prefix: ''}}]", "spec.http[0].match[0].method.prefix", "must not be empty" },
        { "match: [{headers: {x-id: {prefix: ''}}}]", "spec.http[0].match[0].headers.x-id.prefix", "must not be empty" },
        { "match: [{queryParams: {q: {prefix: ''}}}]", "spec.http[0].match[0].queryParams.q.prefix", "must not be empty" },
        { "match: [{uri: {regex: ''}}]", "spec.http[0].match[0].uri.regex", "must not be empty" },
        { "match: [{headers: {x-id: {regex: ''}}}]", "spec.http[0].match[0].headers.x-id.regex", "must not be empty" },
        { "match: [{uri: {regex: 'a{1001}'}}]", "spec.http[0].match[0].uri.regex", "invalid repeat count" },
        { "match: [{uri: {regex: 'a{2,5000}'}}]", "spec.http[0].match[0].uri.regex", "invalid repeat count" },
        { "match: [{uri: {regex: '" + new string('a', 1025) + "'}}]", "spec.http[0].match[0].uri.regex", "too long" },
        { "match: [{queryParams: {q: }}]", "spec.http[0].match[0].queryParams.q", "must not be null" },
        { "match: [null]", "spec.http[0].match[0]", "must not be null" },
        { "match: [{port: 70000}]", "spec.http[0].match[0].port", "between 1 and 65535" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Istio_rejects_the_match_and_so_do_we(string lines, string path, string message) =>
        AssertProblem("VirtualService", Rule(lines), path, DiagnosticSeverity.Error, message);

    [Theory]
    [InlineData("match: [{uri: {prefix: ''}}]")]
    [InlineData("match: [{uri: {exact: ''}}]")]
    [InlineData("match: [{uri: {regex: '\\p{L}+'}}]")]
    [InlineData("match: [{uri: {regex: '\\p{Greek}+/x'}}]")]
    [InlineData("match: [{uri: {regex: '\\pN{2,1000}'}}]")]
    [InlineData("match: [{uri: {regex: '(?P<id>[0-9]+)'}}]")]
    [InlineData("match: [{uri: {regex: 'a{1000}'}}]")]
    [InlineData("match: [{withoutHeaders: {x-debug: {regex: '*'}}}]")]
    [InlineData("match: [{withoutHeaders: {x-debug: }}]")]
    public void Istio_accepts_the_match_and_so_do_we(string lines) =>
        AssertAccepted("VirtualService", Rule(lines));
}
