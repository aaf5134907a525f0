using Mesh.Operator.Validation;
using static Mesh.Operator.Tests.Validation.ValidationHarness;

namespace Mesh.Operator.Tests.Validation;

/// <summary>Istio's header rules: matched names, operation names, Envoy's % syntax in values, one authority rewrite.</summary>
public sealed class HeaderRulesTests
{
    public static TheoryData<string, string, string> Rejected() => new()
    {
        { "match: [{headers: {'::path': {exact: /}}}]", "spec.http[0].match[0].headers['::path']", "not a valid header name" },
        { "match: [{headers: {'x id': {exact: a}}}]", "spec.http[0].match[0].headers['x id']", "not a valid header name" },
        { "match: [{headers: {':foo': {exact: a}}}]", "spec.http[0].match[0].headers[':foo']", "not a valid header name" },
        { "match: [{withoutHeaders: {'x(y)': {exact: a}}}]", "spec.http[0].match[0].withoutHeaders['x(y)']", "not a valid header name" },
        { "match: [{headers: {x-id: }}]", "spec.http[0].match[0].headers.x-id", "must not be null" },
        { "headers: {request: {set: {':path': /x}}}", "spec.http[0].headers.request.set[':path']", "cannot have ':' prefix" },
        { "headers: {request: {remove: [host]}}", "spec.http[0].headers.request.remove[0]", "cannot set Host header" },
        { "headers: {response: {set: {':status': '200'}}}", "spec.http[0].headers.response.set[':status']", "cannot have ':' prefix" },
        { "headers: {response: {add: {'': x}}}", "spec.http[0].headers.response.add['']", "cannot be empty" },
        { "headers: {request: {set: {x-a: '100%'}}}", "spec.http[0].headers.request.set.x-a", "must be escaped" },
        { "headers: {request: {set: {x-a: 'abc%123'}}}", "spec.http[0].headers.request.set.x-a", "unterminated variable" },
        { "headers: {request: {set: {x-a: '%START_TIME%%'}}}", "spec.http[0].headers.request.set.x-a", "must be escaped" },
        { "headers: {response: {add: {x-a: '%REQ(x\", y)%'}}}", "spec.http[0].headers.response.add.x-a", "expected" },
        { "headers: {request: {set: {x-a: \"a\\u0001b\"}}}", "spec.http[0].headers.request.set.x-a", "control characters" },
        { "headers: {request: {set: {x-a: }}}", "spec.http[0].headers.request.set.x-a", "must not be null" },
        { "rewrite: {authority: a.example}\nheaders: {request: {set: {host: b.example}}}", "spec.http[0].headers.request.set.host", "can be set only once" },
        { "headers: {request: {set: {':authority': a.example}, add: {host: b.example}}}", "spec.http[0].headers.request.add.host", "can be set only once" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Istio_rejects_the_header_and_so_do_we(string lines, string path, string message) =>
        AssertProblem("VirtualService", Rule(lines), path, DiagnosticSeverity.Error, message);

    [Theory]
    [InlineData("match: [{headers: {':authority': {exact: a}}}]")]
    [InlineData("match: [{headers: {'x-b3_id.v~1': {prefix: a}}}]")]
    [InlineData("match: [{headers: {x-id: {}}}]")]
    [InlineData("headers: {request: {set: {x-a: '%HOSTNAME%', x-b: '100%%', x-c: 'p %UPSTREAM_HOST% s', x-d: '%REQ(x-id)%'}}}")]
    [InlineData("headers: {request: {set: {x-a: '%REQ([\"a\", \"b\"])%'}}}")]
    [InlineData("headers: {request: {set: {':authority': a.example}}}")]
    [InlineData("rewrite: {authority: a.example}\nheaders: {request: {set: {x-a: b}}}")]
    public void Istio_accepts_the_header_and_so_do_we(string lines) =>
        AssertAccepted("VirtualService", Rule(lines));

    [Fact]
    public void A_value_with_envoy_variables_is_accepted_with_a_warning_that_the_sidecar_sends_it_as_written() =>
        AssertProblem("VirtualService", Rule("headers: {request: {set: {x-a: '%HOSTNAME%'}}}"), "spec.http[0].headers.request.set.x-a", DiagnosticSeverity.Warning, "sent as written");
}
