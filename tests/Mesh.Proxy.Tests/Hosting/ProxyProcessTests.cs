using System.Net;
using System.Text.Json;
using Mesh.Api.V1;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.Hosting;

/// <summary>Runs the built mesh-proxy executable as a child process with --config-file, as local mode does.</summary>
[Trait("Category", ProxyProcess.Category)]
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

    /// <summary>
    /// The config file is read and /config_dump written by Google.Protobuf's JSON parser and formatter, which reflect
    /// over the generated messages and enums: the executable (the native one in build/test.sh) must print back exactly
    /// what the test's own formatter writes, enum names, durations, maps and oneofs included.
    /// </summary>
    [Fact]
    public async Task ConfigDumpPrintsTheConfigFileBackAsTheSameProtobufJson()
    {
        await using var backend = await TestBackend.StartAsync("v1");
        var dir = Directory.CreateTempSubdirectory("mesh-proxy-dump");
        var file = Path.Combine(dir.FullName, "config.json");
        var config = RichConfig(backend);
        var expected = Google.Protobuf.JsonFormatter.Default.Format(config);
        Assert.Contains("\"REGISTRY_ONLY\"", expected, StringComparison.Ordinal);
        await File.WriteAllTextAsync(file, $"{{\"version\":\"dump-1\",\"config\":{expected}}}");
        var admin = ProxyProcess.FreePort();
        using var process = ProxyProcess.Start(
        [
            "--config-file", file, "--outbound-port", ProxyProcess.Text(ProxyProcess.FreePort()),
            "--inbound-port", ProxyProcess.Text(ProxyProcess.FreePort()), "--admin-port", ProxyProcess.Text(admin),
        ]);
        try
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            await ProxyProcess.WaitReadyAsync(client, admin);

            using var dump = JsonDocument.Parse(await client.GetStringAsync($"http://127.0.0.1:{admin}/config_dump"));
            Assert.Equal("dump-1", dump.RootElement.GetProperty("version").GetString());
            var printed = dump.RootElement.GetProperty("config").GetRawText();
            Assert.Equal(expected, printed);
            Assert.Equal(config, ProxyConfig.Parser.ParseJson(printed));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>A valid config that uses every kind of protobuf JSON value: enums (top level, nested, map values),
    /// durations, maps, oneofs, repeated scalars and messages, booleans and doubles.</summary>
    private static ProxyConfig RichConfig(TestBackend backend)
    {
        var config = ConfigFactory.Simple(backend);
        config.OutboundTrafficPolicy = OutboundTrafficPolicy.RegistryOnly;
        config.TrustDomain = "cluster.local";

        var cluster = config.Clusters[0];
        cluster.LoadBalancer = new LoadBalancer { Simple = LoadBalancer.Types.Simple.RoundRobin };
        cluster.ConnectionPool = new ConnectionPool { MaxConnections = 10, ConnectTimeout = ConfigFactory.Ms(250), IdleTimeout = ConfigFactory.Ms(90_000) };
        cluster.OutlierDetection = new OutlierDetection { Consecutive5XxErrors = 3, Interval = ConfigFactory.Ms(1_000), BaseEjectionTime = ConfigFactory.Ms(30_000), MaxEjectionPercent = 50 };
        cluster.Tls = new ClientTls { Mode = ClientTls.Types.Mode.Disable };
        cluster.Endpoints[0].Labels.Add("version", "v1");
        cluster.Endpoints[0].Weight = 3;

        var route = config.VirtualHosts[0].Routes[0];
        var match = new RouteMatch { Uri = new StringMatch { Prefix = "/" }, IgnoreUriCase = true };
        match.Headers.Add(new HeaderMatch { Name = "x-user", Match = new StringMatch { Exact = "blocked" }, Invert = true });
        route.Matches.Add(match);
        route.Timeout = ConfigFactory.Ms(5_000);
        route.Retries = new RetryPolicy { Attempts = 2, PerTryTimeout = ConfigFactory.Ms(1_500) };
        route.Retries.RetryOn.Add("5xx");
        route.Retries.RetriableStatusCodes.Add(503);
        route.Cors = new CorsPolicy { MaxAge = ConfigFactory.Ms(60_000), AllowCredentials = true };
        route.Cors.AllowOrigins.Add(new StringMatch { Exact = "https://shop.example" });
        route.Cors.AllowMethods.Add("GET");

        config.Inbound = new InboundConfig { MtlsMode = MtlsMode.Permissive };
        config.Inbound.PortMtls.Add(9080, MtlsMode.Disable);
        var deny = new AuthorizationPolicy { Name = "default/deny-admin", Action = AuthorizationPolicy.Types.Action.Deny };
        var rule = new AuthorizationRule();
        rule.To.Add(new AuthorizationOperation { Paths = { "/admin*" } });
        deny.Rules.Add(rule);
        config.Inbound.Authorization.Add(deny);
        config.Inbound.RateLimits.Add(new RateLimit { Name = "default/limit", RequestsPerSecond = 12.5, Burst = 5 });
        return config;
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
