using System.IO.Pipelines;
using System.Net;
using Mesh.Api.V1;
using Mesh.Proxy.Telemetry;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Mesh.Proxy.Tests.Authorization.PolicyBuilder;

namespace Mesh.Proxy.Tests.Authorization;

/// <summary>
/// Authorization end to end: a real proxy's inbound listener in front of a real backend, plaintext peers (the
/// principal-based cases need mTLS and are proven on the engine with certificates in AuthorizationMatrixTests).
/// </summary>
public sealed class InboundAuthorizationTests
{
    [Fact]
    public async Task Deny_by_path_answers_403_with_Envoys_body_is_counted_and_access_logged()
    {
        await using var app = await TestBackend.StartAsync("app");
        var log = new Pipe();
        var config = new ProxyConfig { Inbound = Policies(Deny("default/deny-admin", Rule(to: [To(paths: ["/admin*"])]))) };
        await using var proxy = await ProxyUnderTest.StartAsync(
            config,
            o =>
            {
                o.AppPort = app.Port;
                o.AccessLog = true;
            },
            s => s.AddSingleton(new AccessLogOutput(log.Writer.AsStream())));
        using var client = InboundClient(proxy);
        using var logLines = new StreamReader(log.Reader.AsStream());

        using var denied = await client.GetAsync("/admin/users?page=2");

        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Equal("RBAC: access denied", await denied.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", denied.Content.Headers.ContentType?.ToString());
        Assert.Equal(0, app.RequestCount);
        var line = await logLines.ReadLineAsync().WithTimeout("the access-log line of the denied request");
        Assert.Contains("\"response_code\":403", line);
        Assert.Contains("\"response_flags\":\"RBAC\"", line);
        Assert.Contains("\"response_code_details\":\"rbac_access_denied_matched_policy[default/deny-admin]\"", line);
        var metrics = await proxy.Admin.GetStringAsync("/stats/prometheus");
        Assert.Contains("mesh_proxy_authz_denied_total{policy=\"default/deny-admin\"} 1", metrics);
    }

    [Fact]
    public async Task Without_an_ALLOW_policy_a_request_no_DENY_policy_matches_reaches_the_app()
    {
        await using var app = await TestBackend.StartAsync("app");
        var config = new ProxyConfig { Inbound = Policies(Deny("default/deny-admin", Rule(to: [To(paths: ["/admin*"])]))) };
        await using var proxy = await ProxyUnderTest.StartAsync(config, o => o.AppPort = app.Port);
        using var client = InboundClient(proxy);

        using var response = await client.GetAsync("/public/page");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(app.Received.TryPeek(out var received));
        Assert.Equal("/public/page", received.PathAndQuery);
    }

    [Fact]
    public async Task An_ALLOW_by_method_admits_that_method_and_denies_the_others()
    {
        await using var app = await TestBackend.StartAsync("app");
        var config = new ProxyConfig { Inbound = Policies(Allow("default/read-only", Rule(to: [To(methods: ["GET", "HEAD"])]))) };
        await using var proxy = await ProxyUnderTest.StartAsync(config, o => o.AppPort = app.Port);
        using var client = InboundClient(proxy);

        using var get = await client.GetAsync("/items");
        using var post = await client.PostAsync("/items", new StringContent("x"));

        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        Assert.Equal("RBAC: access denied", await post.Content.ReadAsStringAsync());
        Assert.Equal(1, app.RequestCount);
        var metrics = await proxy.Admin.GetStringAsync("/stats/prometheus");
        Assert.Contains("mesh_proxy_authz_denied_total{policy=\"\"} 1", metrics);
    }

    [Fact]
    public async Task A_port_rule_matches_the_workload_port_the_request_is_for()
    {
        await using var app = await TestBackend.StartAsync("app");
        var appPort = (uint)app.Port;
        var otherPort = appPort == 65535 ? 1 : appPort + 1;
        var config = new ProxyConfig { Inbound = Policies(Allow("default/app-port", Rule(to: [To(ports: [appPort])]))) };
        await using var proxy = await ProxyUnderTest.StartAsync(config, o => o.AppPort = app.Port);
        using var client = InboundClient(proxy);

        using var allowed = await client.GetAsync("/");
        var swapped = proxy.Applier.Apply("v2", new ProxyConfig { Inbound = Policies(Allow("default/other-port", Rule(to: [To(ports: [otherPort])]))) });
        using var denied = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.True(swapped.Accepted, swapped.Error);
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
    }

    [Fact]
    public async Task An_invalid_policy_is_NACKed_and_the_last_good_one_keeps_being_enforced()
    {
        await using var app = await TestBackend.StartAsync("app");
        var config = new ProxyConfig { Inbound = Policies(Deny("default/deny-admin", Rule(to: [To(paths: ["/admin"])]))) };
        await using var proxy = await ProxyUnderTest.StartAsync(config, o => o.AppPort = app.Port);
        using var client = InboundClient(proxy);

        var result = proxy.Applier.Apply("v2", new ProxyConfig { Inbound = Policies(Deny("default/broken", Rule(to: [To(ports: [0])]))) });
        using var response = await client.GetAsync("/admin");

        Assert.False(result.Accepted);
        Assert.Contains("inbound.authorization[0].rules[0].to[0].ports[0]", result.Error);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    internal static HttpClient InboundClient(ProxyUnderTest proxy) =>
        new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri($"http://127.0.0.1:{proxy.InboundPort}"), Timeout = TimeSpan.FromSeconds(30) };
}
