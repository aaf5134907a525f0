using System.Diagnostics;
using Mesh.Proxy.Tests.Fixtures;

namespace Mesh.Proxy.Tests.Capture;

/// <summary><c>mesh-proxy init-iptables</c> applied for real by iptables inside a network namespace of the test's own.</summary>
[Trait("Category", ProxyProcess.Category)]
public sealed class InitIptablesNamespaceTests : IDisposable
{
    private readonly string _namespace = "mesh-test-" + Guid.NewGuid().ToString("N")[..8];
    private bool _created;

    public void Dispose()
    {
        if (_created)
        {
            Run("ip", "netns", "del", _namespace);
        }
    }

    [NetworkNamespaceFact]
    public void Applies_the_capture_rules_that_iptables_then_lists()
    {
        Assert.Equal(0, Run("ip", "netns", "add", _namespace).Code);
        _created = true;

        var apply = Run("ip", ["netns", "exec", _namespace, .. ProxyProcess.Command(), "init-iptables", "--exclude-inbound-ports", "15000", "--exclude-outbound-ip-ranges", "10.96.0.0/12"]);
        var listed = Run("ip", "netns", "exec", _namespace, "iptables", "-t", "nat", "-S");

        Assert.True(apply.Code == 0, apply.Output);
        Assert.Contains("-A PREROUTING -p tcp -j MESH_INBOUND", listed.Output, StringComparison.Ordinal);
        Assert.Contains("-A OUTPUT -p tcp -j MESH_OUTPUT", listed.Output, StringComparison.Ordinal);
        Assert.Contains("-A MESH_INBOUND -p tcp -m tcp --dport 15000 -j RETURN", listed.Output, StringComparison.Ordinal);
        Assert.Contains("-A MESH_OUTPUT -m owner --uid-owner 1337 -j RETURN", listed.Output, StringComparison.Ordinal);
        Assert.Contains("-A MESH_OUTPUT -d 10.96.0.0/12 -j RETURN", listed.Output, StringComparison.Ordinal);
        Assert.Contains("-A MESH_REDIRECT -p tcp -j REDIRECT --to-ports 15001", listed.Output, StringComparison.Ordinal);
        Assert.Contains("-A MESH_IN_REDIRECT -p tcp -j REDIRECT --to-ports 15006", listed.Output, StringComparison.Ordinal);
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} {string.Join(' ', args)} did not finish within 60 s");
        }

        return (process.ExitCode, output.Result + error.Result);
    }
}
