using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Mesh.Operator.Hosting;
using Mesh.Operator.WebhookTls;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Benchmarks.Injection;

/// <summary>
/// Closed-loop latency of <c>POST /inject</c>: the operator runs in this process in local mode (its ephemeral
/// certificate, the production HTTPS listener and webhook), one client sends one ~10 KB pod review at a time over
/// one kept-alive HTTPS connection, after a warm-up. Prints p50/p99/p99.9/max and throughput.
/// Goal (issue 6): p99 ≤ 5 ms. Usage: <c>webhook-latency [--requests 5000] [--warmup 500] [--size 10240] [--http 1.1|2]</c>.
/// </summary>
internal static class WebhookLatencyHarness
{
    public static async Task<int> RunAsync(string[] args)
    {
        var requests = Arg(args, "--requests", 5000);
        var warmup = Arg(args, "--warmup", 500);
        var size = Arg(args, "--size", 10 * 1024);
        var http = args.SkipWhile(a => a != "--http").Skip(1).FirstOrDefault() ?? "1.1";
        var version = http == "2" ? HttpVersion.Version20 : HttpVersion.Version11;

        var manifests = Directory.CreateTempSubdirectory("mesh-bench-webhook-").FullName;
        try
        {
            await using var app = OperatorHost.Build(new OperatorOptions
            {
                Source = "dir:" + manifests,
                GrpcPort = 0,
                HttpPort = 0,
                WebhookPort = 0,
                ListenAddress = "127.0.0.1",
                LogLevel = "Warning",
            });
            await app.StartAsync();
            var port = app.Services.GetRequiredService<OperatorListeners>().WebhookPort;
            var served = app.Services.GetRequiredService<IWebhookCertificate>().Current!;

            using var client = new HttpClient(new SocketsHttpHandler
            {
                MaxConnectionsPerServer = 1,
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
                SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) => presented is not null && presented.GetRawCertData().AsSpan().SequenceEqual(served.RawData) },
            })
            {
                BaseAddress = new Uri($"https://127.0.0.1:{port}"),
                DefaultRequestVersion = version,
                DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            var body = Encoding.UTF8.GetBytes(BenchmarkPod.Review(size).ToJsonString());
            var patchBytes = await CheckOnceAsync(client, body);
            Console.WriteLine($"review {body.Length} bytes, patch {patchBytes} bytes, HTTP/{http}, {requests} requests after {warmup} warm-up, {Environment.ProcessorCount} cores");

            for (var i = 0; i < warmup; i++)
            {
                await SendAsync(client, body);
            }

            var samples = new double[requests];
            var total = Stopwatch.StartNew();
            for (var i = 0; i < requests; i++)
            {
                var start = Stopwatch.GetTimestamp();
                await SendAsync(client, body);
                samples[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            total.Stop();
            Array.Sort(samples);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"p50 {Percentile(samples, 0.50):0.000} ms  p99 {Percentile(samples, 0.99):0.000} ms  p99.9 {Percentile(samples, 0.999):0.000} ms  max {samples[^1]:0.000} ms  throughput {requests / total.Elapsed.TotalSeconds:0} req/s"));
            var p99 = Percentile(samples, 0.99);
            Console.WriteLine(p99 <= 5 ? "goal met: p99 <= 5 ms" : "goal missed: p99 > 5 ms");
            await app.StopAsync();
            return 0;
        }
        finally
        {
            Directory.Delete(manifests, recursive: true);
        }
    }

    /// <summary>The first answer must be an allowed review with a patch, or the figures measure the wrong thing.</summary>
    private static async Task<int> CheckOnceAsync(HttpClient client, byte[] body)
    {
        using var response = await client.PostAsync("/inject", Content(body));
        response.EnsureSuccessStatusCode();
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["response"]!;
        if (answer["allowed"]?.GetValue<bool>() != true || answer["patch"] is null)
        {
            throw new InvalidOperationException($"The webhook did not inject: {answer.ToJsonString()}");
        }

        return Convert.FromBase64String(answer["patch"]!.GetValue<string>()).Length;
    }

    private static async Task SendAsync(HttpClient client, byte[] body)
    {
        using var response = await client.PostAsync("/inject", Content(body));
        response.EnsureSuccessStatusCode();
        await response.Content.CopyToAsync(Stream.Null);
    }

    private static ByteArrayContent Content(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>Nearest-rank percentile of sorted samples.</summary>
    private static double Percentile(double[] sorted, double p) => sorted[Math.Max(0, (int)Math.Ceiling(p * sorted.Length) - 1)];

    private static int Arg(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
