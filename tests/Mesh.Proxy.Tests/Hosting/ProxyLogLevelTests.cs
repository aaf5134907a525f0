using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.Hosting;

/// <summary>The injected <c>MESH_LOG_LEVEL</c> (from the <c>mesh.io/proxy-log-level</c> annotation) reaches the executable.</summary>
[Trait("Category", ProxyProcess.Category)]
public sealed class ProxyLogLevelTests
{
    [Fact]
    public async Task MeshLogLevelWarningSilencesInformationButKeepsErrors()
    {
        var dir = Directory.CreateTempSubdirectory("mesh-proxy-loglevel");
        var file = Path.Combine(dir.FullName, "config.json");
        await File.WriteAllTextAsync(file, """{"version":"quiet-1","config":{}}""");
        var admin = ProxyProcess.FreePort();
        using var process = ProxyProcess.Start(
            ["run", "--config-file", file, "--outbound-port", ProxyProcess.Text(ProxyProcess.FreePort()), "--inbound-port", ProxyProcess.Text(ProxyProcess.FreePort())],
            new Dictionary<string, string> { ["MESH_LOG_LEVEL"] = "warning", ["MESH_ADMIN_PORT"] = ProxyProcess.Text(admin) });
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await ProxyProcess.WaitReadyAsync(client, admin);

            await File.WriteAllTextAsync(file, "{ not json");
            await Eventually.AssertAsync(() => process.Stderr.Any(l => l.Contains("rejected", StringComparison.Ordinal)), "the bad file is logged (an error)");

            Assert.DoesNotContain(process.Stderr.Concat(process.Stdout), l => l.Contains("Applied config", StringComparison.Ordinal));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
