using Mesh.Operator.Validation;
using static Mesh.Operator.Tests.Validation.ValidationHarness;

namespace Mesh.Operator.Tests.Validation;

/// <summary>Istio's CORS rules: origins non-empty matches, methods from the HTTP method set, header names tokens.</summary>
public sealed class CorsRulesTests
{
    public static TheoryData<string, string, string> Rejected() => new()
    {
        { "corsPolicy: {allowOrigins: [{exact: ''}]}", "spec.http[0].corsPolicy.allowOrigins[0]", "non-empty" },
        { "corsPolicy: {allowOrigins: [{}]}", "spec.http[0].corsPolicy.allowOrigins[0]", "non-empty" },
        { "corsPolicy: {allowOrigins: [null]}", "spec.http[0].corsPolicy.allowOrigins[0]", "non-empty" },
        { "corsPolicy: {allowOrigins: [{regex: '(?=x)'}]}", "spec.http[0].corsPolicy.allowOrigins[0].regex", "lookaround" },
        { "corsPolicy: {allowMethods: [GET, FETCH]}", "spec.http[0].corsPolicy.allowMethods[1]", "not an HTTP method" },
        { "corsPolicy: {allowMethods: [get]}", "spec.http[0].corsPolicy.allowMethods[0]", "not an HTTP method" },
        { "corsPolicy: {allowHeaders: ['x header']}", "spec.http[0].corsPolicy.allowHeaders[0]", "not a valid header name" },
        { "corsPolicy: {exposeHeaders: ['']}", "spec.http[0].corsPolicy.exposeHeaders[0]", "cannot be empty" },
    };

    [Theory]
    [MemberData(nameof(Rejected))]
    public void Istio_rejects_the_cors_policy_and_so_do_we(string lines, string path, string message) =>
        AssertProblem("VirtualService", Rule(lines), path, DiagnosticSeverity.Error, message);

    [Theory]
    [InlineData("corsPolicy: {allowOrigins: [{exact: 'https://a.example'}, {prefix: 'https://'}, {regex: '.*\\.example'}]}")]
    [InlineData("corsPolicy: {allowMethods: [GET, POST, PATCH, '*'], allowHeaders: ['*', x-id], exposeHeaders: [x-trace]}")]
    public void Istio_accepts_the_cors_policy_and_so_do_we(string lines) =>
        AssertAccepted("VirtualService", Rule(lines));
}
