using System.Text.Json;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;
using Mesh.Testing.Operator;

namespace Mesh.Proxy.Tests.Config;

/// <summary>
/// The executable sends its <c>--ip</c> (<c>MESH_IP</c>, the pod IP in an injected sidecar) in the config stream's first
/// request, and the real operator's <c>/debug/proxies</c> shows it; a proxy without one is shown at the connection's
/// peer address, the operator's fallback.
/// </summary>
[Trait("Category", ProxyProcess.Category)]
public sealed class NodeIpTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_operator_records_the_ip_the_proxy_sends_and_else_the_peer_address()
    {
        await using var mesh = await LocalOperator.StartAsync(new Dictionary<string, string>());
        await Eventually.AssertAsync(() => File.Exists(mesh.BootstrapTokenFile), "the operator wrote its bootstrap token", Deadline);
        using var flagged = Start(mesh, "default/flagged", ["--ip", "10.244.1.7"], []);
        using var fromEnvironment = Start(mesh, "default/from-environment", [], new() { ["MESH_IP"] = "fd00::17" });
        using var unset = Start(mesh, "default/unset", [], []);
        using var http = new HttpClient { BaseAddress = mesh.HttpAddress };

        var ips = new Dictionary<string, string?>();
        await Eventually.AssertAsync(
            async () =>
            {
                using var document = JsonDocument.Parse(await http.GetStringAsync("/debug/proxies"));
                ips = document.RootElement.EnumerateArray().ToDictionary(p => p.GetProperty("id").GetString()!, p => p.GetProperty("ip").GetString());
                return ips.Count == 3;
            },
            "the three proxies are connected",
            Deadline);

        Assert.Equal("10.244.1.7", ips["default/flagged"]);
        Assert.Equal("fd00::17", ips["default/from-environment"]);
        Assert.Equal("127.0.0.1", ips["default/unset"]);
    }

    private static ProxyProcess Start(LocalOperator mesh, string nodeId, string[] arguments, Dictionary<string, string> environment)
    {
        environment["MESH_BOOTSTRAP_TOKEN"] = mesh.BootstrapToken;
        return ProxyProcess.Start(
            [
                "run", "--discovery-address", mesh.GrpcAddress.ToString(), "--node-id", nodeId, "--outbound-port", ProxyProcess.Text(ProxyProcess.FreePort()),
                "--inbound-port", ProxyProcess.Text(ProxyProcess.FreePort()), "--admin-port", ProxyProcess.Text(ProxyProcess.FreePort()), .. arguments,
            ],
            environment);
    }
}
