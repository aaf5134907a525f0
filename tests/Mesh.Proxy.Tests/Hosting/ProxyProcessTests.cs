using System.Net;
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
        var (outbound, admin) = (ProxyProcess.FreePort(), ProxyProcess.FreePort());
        using var process = ProxyProcess.Start(
            ["run", "--config-file", file, "--inbound-port", ProxyProcess.Text(ProxyProcess.FreePort()), "--access-log"],
            new Dictionary<string, string> { ["MESH_OUTBOUND_PORT"] = ProxyProcess.Text(outbound), ["MESH_ADMIN_PORT"] = ProxyProcess.Text(admin) });
        var (stdout, stderr) = (process.Stdout, process.Stderr);
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await ProxyProcess.WaitReadyAsync(client, admin);
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
            Assert.Equal(0, await process.WaitForExitAsync(TimeSpan.FromSeconds(20)));
        }
        finally
        {
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

    private static Task WriteConfigAsync(string file, string version, TestBackend backend)
    {
        var json = $"{{\"version\":\"{version}\",\"config\":{Google.Protobuf.JsonFormatter.Default.Format(ConfigFactory.Simple(backend))}}}";
        var temp = file + ".tmp";
        File.WriteAllText(temp, json);
        File.Move(temp, file, overwrite: true);
        return Task.CompletedTask;
    }
}
