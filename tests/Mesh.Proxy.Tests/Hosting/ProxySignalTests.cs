using System.Diagnostics;
using System.Net;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.Hosting;

/// <summary>SIGTERM to the real executable: the in-flight request finishes, then the process exits 0.</summary>
[Trait("Category", ProxyProcess.Category)]
public sealed class ProxySignalTests
{
    [Fact]
    public async Task SigtermDrainsInFlightRequestsThenExits()
    {
        await using var backend = await TestBackend.StartAsync("slow");
        var dir = Directory.CreateTempSubdirectory("mesh-proxy-sigterm");
        var file = Path.Combine(dir.FullName, "config.json");
        await File.WriteAllTextAsync(file, $"{{\"version\":\"s1\",\"config\":{Google.Protobuf.JsonFormatter.Default.Format(ConfigFactory.Simple(backend))}}}");
        var (outbound, inbound, admin) = (ProxyProcess.FreePort(), ProxyProcess.FreePort(), ProxyProcess.FreePort());
        using var process = ProxyProcess.Start(
        [
            "--config-file", file, "--drain-timeout", "10s",
            "--outbound-port", ProxyProcess.Text(outbound), "--inbound-port", ProxyProcess.Text(inbound), "--admin-port", ProxyProcess.Text(admin),
        ]);
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
            await ProxyProcess.WaitReadyAsync(client, admin);
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{outbound}/");
            request.Headers.Host = "reviews";
            request.Headers.Add("x-delay-ms", "1500");
            var inFlight = client.SendAsync(request);
            await Eventually.AssertAsync(() => Task.FromResult(backend.RequestCount == 1), "the slow request reaches the backend");

            using (var kill = Process.Start("kill", ["-TERM", ProxyProcess.Text(process.Id)]))
            {
                await kill.WaitForExitAsync();
            }

            using var response = await inFlight;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
