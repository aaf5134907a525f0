using System.Net;
using System.Text.Json;
using Mesh.Api.V1;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Mesh.Proxy.Tests.Capture;

/// <summary>
/// Transparent capture end to end, in a network namespace of the test's own: <c>mesh-proxy init-iptables</c> rules,
/// the real proxy executable, backends bound to the namespace's address and an unmodified client (curl, run as
/// another uid than the proxy's) that calls plain IP:port addresses and never hears of the proxy.
/// </summary>
[Trait("Category", ProxyProcess.Category)]
public sealed class TransparentCaptureTests : IDisposable
{
    /// <summary>Nothing listens here: like a Service's cluster IP it exists only in the proxy's config.</summary>
    private const string ServiceIp = "10.250.0.10";

    /// <summary>The uid the proxy runs as, exempted by the rules; the test runs as root, so the proxy is root too.</summary>
    private const string ProxyUid = "0";

    /// <summary>The application's uid: its connections are captured.</summary>
    private const string ClientUid = "1000";

    private readonly string _configFile = Path.Combine(Path.GetTempPath(), $"mesh-capture-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_configFile);

    [NetworkNamespaceFact("curl", "setpriv")]
    public async Task A_call_to_a_service_address_is_routed_by_its_original_destination()
    {
        using var ns = NetworkNamespace.Create();
        await using var backend = await StartBackendAsync(ns, "reviews-v1");
        using var proxy = StartCapturingProxy(ns, Config(backend));
        using var admin = ns.CreateHttpClient();
        await ProxyProcess.WaitReadyAsync(admin, 15000);

        // The Host names nothing the mesh knows; only the original destination (the cluster IP) selects the route.
        var viaServiceIp = Curl(ns, $"http://{ServiceIp}:9080/reviews/1", "Host: reviews.example.com");
        var viaEndpoint = Curl(ns, $"http://{ns.Address}:{backend.Port}/direct");

        // A Host the mesh knows wins over the address (here a closed port): routed as without capture.
        var viaHost = Curl(ns, $"http://{ns.Address}:1/by-host", "Host: reviews:9080");

        Assert.Equal(200, viaServiceIp.Status);
        Assert.Equal("reviews-v1", viaServiceIp.Echo.Name);
        Assert.Equal("/reviews/1", viaServiceIp.Echo.Path);
        Assert.Equal("reviews", viaServiceIp.Echo.Headers["x-mesh-route"]);
        Assert.Equal("reviews.example.com", viaServiceIp.Echo.Headers["host"]);

        // An endpoint's own address is honoured (no balancing away from it) and counted as its service.
        Assert.Equal(200, viaEndpoint.Status);
        Assert.Equal("reviews-v1", viaEndpoint.Echo.Name);
        Assert.False(viaEndpoint.Echo.Headers.ContainsKey("x-mesh-route"));

        Assert.Equal(200, viaHost.Status);
        Assert.Equal("/by-host", viaHost.Echo.Path);
        Assert.Equal("reviews", viaHost.Echo.Headers["x-mesh-route"]);

        var metrics = await admin.GetStringAsync("http://127.0.0.1:15000/stats/prometheus");
        Assert.Contains("destination_service=\"reviews.default.svc.cluster.local\",destination_subset=\"\",route=\"default\",response_code=\"200\"} 2", metrics, StringComparison.Ordinal);
        Assert.Contains("destination_service=\"reviews.default.svc.cluster.local\",destination_subset=\"\",route=\"\",response_code=\"200\"} 1", metrics, StringComparison.Ordinal);
    }

    [NetworkNamespaceFact("curl", "setpriv")]
    public async Task A_call_to_a_destination_without_a_route_passes_through_to_it()
    {
        using var ns = NetworkNamespace.Create();
        await using var backend = await StartBackendAsync(ns, "reviews-v1");
        await using var outside = await StartBackendAsync(ns, "outside");
        using var proxy = StartCapturingProxy(ns, Config(backend));
        using var admin = ns.CreateHttpClient();
        await ProxyProcess.WaitReadyAsync(admin, 15000);

        var response = Curl(ns, $"http://{ns.Address}:{outside.Port}/anything?x=1");

        Assert.Equal(200, response.Status);
        Assert.Equal("outside", response.Echo.Name);
        Assert.Equal("/anything?x=1", response.Echo.Path);
        Assert.Equal($"{ns.Address}:{outside.Port}", response.Echo.Headers["host"]);

        // It went through the proxy (counted, and logged with the original address as upstream), not around it.
        var metrics = await admin.GetStringAsync("http://127.0.0.1:15000/stats/prometheus");
        Assert.Contains("destination_service=\"PassthroughCluster\",destination_subset=\"\",route=\"\",response_code=\"200\"} 1", metrics, StringComparison.Ordinal);
        await Eventually.AssertAsync(
            () => Task.FromResult(proxy.Stdout.Any(line => line.Contains($"http://{ns.Address}:{outside.Port}", StringComparison.Ordinal))),
            "the access log names the original destination as the upstream");

        // REGISTRY_ONLY closes the passthrough: Istio's BlackHoleCluster answers 502 and the backend hears nothing.
        var config = Config(backend);
        config.OutboundTrafficPolicy = OutboundTrafficPolicy.RegistryOnly;
        WriteConfig(config, "capture-2");
        await Eventually.AssertAsync(
            async () => (await admin.GetStringAsync("http://127.0.0.1:15000/config_dump")).Contains("capture-2", StringComparison.Ordinal),
            "the proxy applies the REGISTRY_ONLY config");
        var received = outside.RequestCount;

        var blocked = Curl(ns, $"http://{ns.Address}:{outside.Port}/anything");

        Assert.Equal(502, blocked.Status);
        Assert.Equal(received, outside.RequestCount);
        metrics = await admin.GetStringAsync("http://127.0.0.1:15000/stats/prometheus");
        Assert.Contains("destination_service=\"BlackHoleCluster\",destination_subset=\"\",route=\"\",response_code=\"502\"} 1", metrics, StringComparison.Ordinal);
    }

    private static Task<TestBackend> StartBackendAsync(NetworkNamespace ns, string name) =>
        TestBackend.StartAsync(name, IPAddress.Parse(ns.Address), HttpProtocols.Http1, endPoint =>
        {
            var socket = ns.CreateSocket(endPoint.AddressFamily);
            socket.Bind(endPoint);
            return socket;
        });

    /// <summary>Applies the capture rules in the namespace, then starts the proxy there (default ports) on the config.</summary>
    private ProxyProcess StartCapturingProxy(NetworkNamespace ns, ProxyConfig config)
    {
        var rules = ns.Exec([.. ProxyProcess.Command(), "init-iptables", "--proxy-uid", ProxyUid, "--exclude-inbound-ports", "15000"]);
        Assert.True(rules.Code == 0, rules.Output);

        return ProxyProcess.Start(["run", "--config-file", WriteConfig(config, "capture-1"), "--access-log", "--node-id", "default/client"], launcher: ["ip", "netns", "exec", ns.Name]);
    }

    /// <summary>Writes the proxy's static config file (watched: a rewrite is applied).</summary>
    private string WriteConfig(ProxyConfig config, string version)
    {
        File.WriteAllText(_configFile, $"{{\"version\":\"{version}\",\"config\":{Google.Protobuf.JsonFormatter.Default.Format(config)}}}");
        return _configFile;
    }

    /// <summary>Service "reviews" with cluster IP <see cref="ServiceIp"/>:9080 over the backend; its route adds a header.</summary>
    private static ProxyConfig Config(TestBackend backend)
    {
        var config = new ProxyConfig();
        var cluster = ConfigFactory.Cluster("reviews", []);
        cluster.Endpoints.Add(new Endpoint { Address = "10.250.0.2", Port = (uint)backend.Port, Workload = "default/" + backend.Name });
        config.Clusters.Add(cluster);

        var route = ConfigFactory.Forward("default", (cluster.Name, 100));
        route.Headers = new HeaderOperations { Request = new HeaderMutation() };
        route.Headers.Request.Set.Add(new HeaderValue { Name = "x-mesh-route", Value = "reviews" });
        var host = ConfigFactory.Host("reviews", 9080, route);
        host.Domains.Add(ServiceIp);
        host.Domains.Add($"{ServiceIp}:9080");
        config.VirtualHosts.Add(host);
        return config;
    }

    /// <summary>curl inside the namespace as the application's uid, so its connection is captured.</summary>
    private static (int Status, BackendEcho Echo) Curl(NetworkNamespace ns, string url, params string[] headers)
    {
        string[] command = ["setpriv", "--reuid", ClientUid, "--regid", ClientUid, "--clear-groups", "curl", "-sS", "--max-time", "20", "-o", "-", "-w", "\n%{http_code}"];
        foreach (var header in headers)
        {
            command = [.. command, "-H", header];
        }

        var (code, output) = ns.Exec([.. command, url]);
        Assert.True(code == 0, $"curl {url} exited with {code}: {output}");
        var lastLine = output.LastIndexOf('\n');
        var status = int.Parse(output.AsSpan(lastLine + 1), System.Globalization.CultureInfo.InvariantCulture);
        var echo = status == 200 ? JsonSerializer.Deserialize<BackendEcho>(output.AsSpan(0, lastLine)) : null;
        return (status, echo ?? new BackendEcho(string.Empty, string.Empty, string.Empty, [], output, string.Empty));
    }
}
