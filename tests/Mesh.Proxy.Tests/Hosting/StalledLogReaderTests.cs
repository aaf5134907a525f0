using System.Net;
using Mesh.Api.V1;
using Mesh.Proxy.Tests.Fixtures;

namespace Mesh.Proxy.Tests.Hosting;

/// <summary>
/// With inline I/O, log calls run on the socket threads that serve every connection. A reader of the proxy's
/// standard error that stops reading (a stuck log collector) must cost log lines, never traffic.
/// </summary>
[Trait("Category", ProxyProcess.Category)]
public sealed class StalledLogReaderTests
{
    // Each refused upstream connection logs one line of ~200 bytes: 3,000 of them are ~600 KB, ten times the
    // 64 KiB a pipe holds before a writer blocks.
    private const int Requests = 3_000;

    [Fact]
    public async Task ProxyKeepsAnsweringWhenNobodyReadsItsLogOutput()
    {
        var dir = Directory.CreateTempSubdirectory("mesh-proxy-stalled-log");
        var file = Path.Combine(dir.FullName, "config.json");
        await File.WriteAllTextAsync(file, $"{{\"version\":\"refused-1\",\"config\":{Google.Protobuf.JsonFormatter.Default.Format(RefusingConfig())}}}");
        var (outbound, admin) = (ProxyProcess.FreePort(), ProxyProcess.FreePort());
        using var process = ProxyProcess.Start(
            ["--config-file", file, "--outbound-port", ProxyProcess.Text(outbound), "--inbound-port", ProxyProcess.Text(ProxyProcess.FreePort()), "--admin-port", ProxyProcess.Text(admin)],
            readStandardError: false);
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            await ProxyProcess.WaitReadyAsync(client, admin);

            var answered = 0;
            await Parallel.ForAsync(0, Requests, new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (_, cancellationToken) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{outbound}/");
                request.Headers.Host = "reviews.default.svc.cluster.local:9080";
                using var response = await client.SendAsync(request, cancellationToken);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Interlocked.Increment(ref answered);
            });

            Assert.Equal(Requests, answered);
            using var ready = await client.GetAsync($"http://127.0.0.1:{admin}/ready");
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>The "reviews" service with one endpoint on a port nothing listens on: every request fails and is logged.</summary>
    private static ProxyConfig RefusingConfig()
    {
        var config = new ProxyConfig();
        var cluster = new Cluster { Name = ConfigFactory.ClusterName("reviews"), ServiceHost = "reviews.default.svc.cluster.local", Port = 9080 };
        cluster.Endpoints.Add(new Endpoint { Address = "127.0.0.1", Port = (uint)ProxyProcess.FreePort(), Workload = "default/gone" });
        config.Clusters.Add(cluster);
        config.VirtualHosts.Add(ConfigFactory.Host("reviews", 9080, ConfigFactory.Forward("default", (cluster.Name, 100))));
        return config;
    }
}
