namespace Mesh.Operator.Tests.Examples;

/// <summary>examples/tcp-routing stays valid and gives the client's proxy the L4 routes its README describes.</summary>
public sealed class TcpRoutingExampleTests
{
    [Fact]
    public void Analyze_finds_no_error_and_warns_only_that_the_sni_wildcard_host_selects_no_service()
    {
        var (code, output, error) = ExampleCli.Analyze("tcp-routing");

        Assert.Equal((0, ""), (code, error));
        var warning = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("spec.hosts[1]: warning: wildcard host '*.example.com'", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void The_clients_proxy_gets_the_weighted_tcp_split_and_the_sni_routes()
    {
        var config = ExampleCli.Compile("tcp-routing", "default/client");
        var echo = config.TcpListeners.Single(l => l.Name == "echo.default.svc.cluster.local:9000");
        Assert.Equal([90u, 10u], echo.Routes[0].Destinations.Select(d => d.Weight));
        var secure = config.TcpListeners.Single(l => l.Name == "secure-gw.default.svc.cluster.local:8443");
        Assert.True(secure.Tls);
        Assert.Equal(["a.example.com", "*.example.com"], secure.Routes.Take(2).Select(r => r.Matches.Single().SniHosts.Single()));
    }
}
