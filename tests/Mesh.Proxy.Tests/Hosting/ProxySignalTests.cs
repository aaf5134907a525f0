using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.Hosting;

/// <summary>SIGTERM to the real executable: the in-flight request finishes, then the process exits 0.</summary>
public sealed class ProxySignalTests
{
    [Fact]
    public async Task SigtermDrainsInFlightRequestsThenExits()
    {
        await using var backend = await TestBackend.StartAsync("slow");
        var dir = Directory.CreateTempSubdirectory("mesh-proxy-sigterm");
        var file = Path.Combine(dir.FullName, "config.json");
        await File.WriteAllTextAsync(file, $"{{\"version\":\"s1\",\"config\":{Google.Protobuf.JsonFormatter.Default.Format(ConfigFactory.Simple(backend))}}}");
        var (outbound, inbound, admin) = (FreePort(), FreePort(), FreePort());
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "mesh-proxy.dll"), "--config-file", file, "--drain-timeout", "10s",
                "--outbound-port", $"{outbound}", "--inbound-port", $"{inbound}", "--admin-port", $"{admin}",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
            await Eventually.AssertAsync(async () => await ReadyAsync(client, admin), "the proxy reports ready", TimeSpan.FromSeconds(30));
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{outbound}/");
            request.Headers.Host = "reviews";
            request.Headers.Add("x-delay-ms", "1500");
            var inFlight = client.SendAsync(request);
            await Eventually.AssertAsync(() => Task.FromResult(backend.RequestCount == 1), "the slow request reaches the backend");

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var response = await inFlight;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            dir.Delete(recursive: true);
        }
    }

    private static async Task<bool> ReadyAsync(HttpClient client, int admin)
    {
        try
        {
            using var response = await client.GetAsync($"http://127.0.0.1:{admin}/ready");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
