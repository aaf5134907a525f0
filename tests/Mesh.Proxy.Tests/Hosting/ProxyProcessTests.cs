using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.Hosting;

/// <summary>Runs the built mesh-proxy executable as a child process with --config-file, as local mode does.</summary>
public sealed class ProxyProcessTests
{
    [Fact]
    public async Task ExecutableServesAConfigFileReloadsItOnChangeAndKeepsTheLastGoodOneOnABadFile()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        var dir = Directory.CreateTempSubdirectory("mesh-proxy-test");
        var file = Path.Combine(dir.FullName, "config.json");
        await WriteConfigAsync(file, "file-1", v1);
        var (outbound, admin) = (FreePort(), FreePort());

        var dll = Path.Combine(AppContext.BaseDirectory, "mesh-proxy.dll");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { dll, "run", "--config-file", file, "--inbound-port", FreePort().ToString(System.Globalization.CultureInfo.InvariantCulture), "--access-log" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["MESH_OUTBOUND_PORT"] = outbound.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["MESH_ADMIN_PORT"] = admin.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var process = Process.Start(start)!;
        var stdout = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { stdout.Enqueue(e.Data); } };
        var stderr = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { stderr.Enqueue(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.AssertAsync(async () => await TryStatusAsync(client, $"http://127.0.0.1:{admin}/ready") == HttpStatusCode.OK, "the proxy reports ready", TimeSpan.FromSeconds(30));
            Assert.Equal("v1", await BackendAsync(client, outbound));

            await WriteConfigAsync(file, "file-2", v2);
            await Eventually.AssertAsync(async () => await BackendAsync(client, outbound) == "v2", "the changed file is applied");

            await File.WriteAllTextAsync(file, "{ not json");
            await Eventually.AssertAsync(() => Task.FromResult(stderr.Any(l => l.Contains("rejected", StringComparison.Ordinal))), "the bad file is logged as rejected");
            Assert.Equal("v2", await BackendAsync(client, outbound));
            Assert.Contains("file-2", await client.GetStringAsync($"http://127.0.0.1:{admin}/config_dump"));

            await Eventually.AssertAsync(() => Task.FromResult(stdout.Any(l => l.Contains("\"response_code\":200", StringComparison.Ordinal))), "an access-log line is written");

            using var quit = await client.PostAsync($"http://127.0.0.1:{admin}/quitquitquit", null);
            Assert.Equal(HttpStatusCode.OK, quit.StatusCode);
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

    private static async Task<string> BackendAsync(HttpClient client, int outbound)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{outbound}/");
        request.Headers.Host = "reviews.default.svc.cluster.local:9080";
        using var response = await client.SendAsync(request);
        return response.Headers.TryGetValues("x-backend", out var values) ? values.Single() : response.StatusCode.ToString();
    }

    private static async Task<HttpStatusCode?> TryStatusAsync(HttpClient client, string url)
    {
        try
        {
            using var response = await client.GetAsync(url);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static Task WriteConfigAsync(string file, string version, TestBackend backend)
    {
        var json = $"{{\"version\":\"{version}\",\"config\":{Google.Protobuf.JsonFormatter.Default.Format(ConfigFactory.Simple(backend))}}}";
        var temp = file + ".tmp";
        File.WriteAllText(temp, json);
        File.Move(temp, file, overwrite: true);
        return Task.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
