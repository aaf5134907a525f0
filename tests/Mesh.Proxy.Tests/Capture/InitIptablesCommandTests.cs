using System.CommandLine;
using Mesh.Proxy.Cli;

namespace Mesh.Proxy.Tests.Capture;

/// <summary><c>mesh-proxy init-iptables --dry-run</c>: the rules, with the injection template's flag names.</summary>
public sealed class InitIptablesCommandTests
{
    [Fact]
    public async Task Dry_run_prints_redirects_and_every_exemption()
    {
        var (code, output, _) = await RunAsync(
            "init-iptables", "--dry-run", "--proxy-uid", "1337", "--outbound-port", "15001", "--inbound-port", "15006",
            "--exclude-inbound-ports", "15000,8080", "--exclude-outbound-ports", "5432", "--exclude-outbound-ip-ranges", "10.0.0.0/8,192.168.0.0/16");

        Assert.Equal(0, code);
        var rules = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("*nat", rules[0]);
        Assert.Equal("COMMIT", rules[^1]);
        Assert.Contains("-A MESH_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006", rules);
        Assert.Contains("-A MESH_REDIRECT -p tcp -j REDIRECT --to-ports 15001", rules);
        Assert.Contains("-A MESH_INBOUND -p tcp --dport 15000 -j RETURN", rules);
        Assert.Contains("-A MESH_INBOUND -p tcp --dport 8080 -j RETURN", rules);
        Assert.Contains("-A MESH_OUTPUT -m owner --uid-owner 1337 -j RETURN", rules);
        Assert.Contains("-A MESH_OUTPUT -p tcp --dport 5432 -j RETURN", rules);
        Assert.Contains("-A MESH_OUTPUT -d 10.0.0.0/8 -j RETURN", rules);
        Assert.Contains("-A MESH_OUTPUT -d 192.168.0.0/16 -j RETURN", rules);

        // Exemptions come before the catch-all redirect, or they would never be reached.
        Assert.True(Array.IndexOf(rules, "-A MESH_OUTPUT -d 10.0.0.0/8 -j RETURN") < Array.IndexOf(rules, "-A MESH_OUTPUT -j MESH_REDIRECT"));
        Assert.True(Array.IndexOf(rules, "-A MESH_INBOUND -p tcp --dport 15000 -j RETURN") < Array.IndexOf(rules, "-A MESH_INBOUND -p tcp -j MESH_IN_REDIRECT"));
    }

    [Theory]
    [InlineData("--exclude-outbound-ip-ranges", "10.0.0.0/33", "not an IPv4 CIDR")]
    [InlineData("--exclude-outbound-ip-ranges", "fd00::/8", "not an IPv4 CIDR")]
    [InlineData("--exclude-inbound-ports", "15000,http", "'http' is not a port")]
    [InlineData("--exclude-outbound-ports", "70000", "70000 is not a port")]
    [InlineData("--outbound-port", "0", "0 is not a port")]
    public async Task Bad_values_are_usage_errors_naming_the_flag(string flag, string value, string message)
    {
        var (code, _, error) = await RunAsync("init-iptables", "--dry-run", flag, value);

        Assert.Equal(2, code);
        Assert.Contains(flag, error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await ProxyCommandLine.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (code, output.ToString(), error.ToString());
    }
}
