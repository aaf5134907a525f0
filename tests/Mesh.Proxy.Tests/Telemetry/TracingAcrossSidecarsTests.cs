using System.Diagnostics;
using System.Net;
using Mesh.Api.V1;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.Telemetry;

/// <summary>
/// One request through two sidecars as two pods send it (client → sidecar A outbound → sidecar B inbound → backend),
/// both the real mesh-proxy executable exporting to an in-test span collector: it yields one trace whose spans chain
/// client → A's client span → B's server span, and the backend receives B's span as its parent, in W3C, B3 single
/// and B3 multi-header form.
/// </summary>
[Trait("Category", ProxyProcess.Category)]
public sealed class TracingAcrossSidecarsTests
{
    [Fact]
    public async Task W3c_context_yields_one_trace_through_both_sidecars_in_zipkin_and_otlp_alike()
    {
        await using var mesh = await TwoSidecars.StartAsync("w3c", otlp: true);
        var (trace, caller) = (ActivityTraceId.CreateRandom().ToHexString(), ActivitySpanId.CreateRandom().ToHexString());

        var received = await mesh.SendAsync(("traceparent", $"00-{trace}-{caller}-01"));

        foreach (var path in (string[])[SpanCollector.ZipkinPath, SpanCollector.OtlpPath])
        {
            var (client, server) = await mesh.HopsAsync(trace, path);
            Assert.Equal(caller, client.ParentId);
            Assert.Equal(client.SpanId, server.ParentId);
        }

        var (_, b) = await mesh.HopsAsync(trace, SpanCollector.ZipkinPath);
        Assert.Equal($"00-{trace}-{b.SpanId}-01", received["traceparent"]);
        Assert.DoesNotContain(received.Keys, h => h.StartsWith("x-b3-", StringComparison.Ordinal) || h == "b3");
    }

    [Fact]
    public async Task B3_single_header_context_yields_one_trace_through_both_sidecars()
    {
        await using var mesh = await TwoSidecars.StartAsync("b3", otlp: false);
        var (trace, caller) = (ActivityTraceId.CreateRandom().ToHexString(), ActivitySpanId.CreateRandom().ToHexString());

        var received = await mesh.SendAsync(("b3", $"{trace}-{caller}-1"));

        var (client, server) = await mesh.HopsAsync(trace, SpanCollector.ZipkinPath);
        Assert.Equal(caller, client.ParentId);
        Assert.Equal(client.SpanId, server.ParentId);
        Assert.Equal($"{trace}-{server.SpanId}-1-{client.SpanId}", received["b3"]);
        Assert.DoesNotContain(received.Keys, h => h.StartsWith("x-b3-", StringComparison.Ordinal) || h == "traceparent");
    }

    [Fact]
    public async Task B3_multi_header_context_with_a_64_bit_trace_id_yields_one_trace_through_both_sidecars()
    {
        await using var mesh = await TwoSidecars.StartAsync("b3multi", otlp: false);
        var (shortTrace, caller) = (ActivitySpanId.CreateRandom().ToHexString(), ActivitySpanId.CreateRandom().ToHexString());
        var trace = shortTrace.PadLeft(32, '0');

        var received = await mesh.SendAsync(("X-B3-TraceId", shortTrace), ("X-B3-SpanId", caller), ("X-B3-Sampled", "1"));

        var (client, server) = await mesh.HopsAsync(trace, SpanCollector.ZipkinPath);
        Assert.Equal(caller, client.ParentId);
        Assert.Equal(client.SpanId, server.ParentId);
        Assert.Equal(
            (trace, server.SpanId, client.SpanId, "1"),
            (received["x-b3-traceid"], received["x-b3-spanid"], received["x-b3-parentspanid"], received["x-b3-sampled"]));
        Assert.DoesNotContain(received.Keys, h => h is "b3" or "traceparent");
    }

    [Fact]
    public async Task An_unsampled_b3_caller_gets_no_span_and_its_decision_travels_on_in_the_configured_formats()
    {
        await using var mesh = await TwoSidecars.StartAsync("w3c,b3multi", otlp: false);
        var (trace, caller) = (ActivityTraceId.CreateRandom().ToHexString(), ActivitySpanId.CreateRandom().ToHexString());
        var sampled = ActivityTraceId.CreateRandom().ToHexString();

        var received = await mesh.SendAsync(("b3", $"{trace}-{caller}-0"));
        await mesh.SendAsync(("b3", $"{sampled}-{caller}-1"));

        // Spans of one batch leave together, so once the sampled request's spans are in, the unsampled one's would be too.
        await mesh.HopsAsync(sampled, SpanCollector.ZipkinPath);
        Assert.DoesNotContain(mesh.Collector.Spans, s => s.TraceId == trace);
        Assert.Matches($"^00-{trace}-[0-9a-f]{{16}}-00$", received["traceparent"]);
        Assert.Equal((trace, "0"), (received["x-b3-traceid"], received["x-b3-sampled"]));
        Assert.DoesNotContain("b3", received.Keys);
    }

    /// <summary>Sidecar A (app productpage) and sidecar B (app reviews, in front of the backend) as processes.</summary>
    private sealed class TwoSidecars : IAsyncDisposable
    {
        private readonly List<IDisposable> _owned = [];
        private readonly List<IAsyncDisposable> _ownedAsync = [];
        private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        private DirectoryInfo _directory = null!;
        private int _outbound;

        public SpanCollector Collector { get; private set; } = null!;

        public TestBackend Backend { get; private set; } = null!;

        public static async Task<TwoSidecars> StartAsync(string propagation, bool otlp)
        {
            var mesh = new TwoSidecars();
            try
            {
                await mesh.StartCoreAsync(propagation, otlp);
                return mesh;
            }
            catch
            {
                await mesh.DisposeAsync();
                throw;
            }
        }

        /// <summary>Sends GET / for reviews:9080 to sidecar A with the caller's trace headers; returns the headers the backend got.</summary>
        public async Task<Dictionary<string, string>> SendAsync(params (string Name, string Value)[] headers)
        {
            var before = Backend.RequestCount;
            using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{_outbound}/");
            request.Headers.Host = "reviews:9080";
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await _http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return Backend.Received.Skip(before).Single().Headers;
        }

        /// <summary>Waits for A's client span and B's server span of <paramref name="trace"/> to reach the collector by <paramref name="path"/>.</summary>
        public async Task<(CollectedSpan Client, CollectedSpan Server)> HopsAsync(string trace, string path)
        {
            CollectedSpan[] spans = [];
            await Eventually.AssertAsync(
                () => (spans = [.. Collector.Spans.Where(s => s.TraceId == trace && s.Path == path)]).Length >= 2,
                $"both sidecars' spans of trace {trace} reach {path}",
                TimeSpan.FromSeconds(60));
            Assert.Equal(2, spans.Length);
            var client = Assert.Single(spans, s => s.Kind == "CLIENT");
            var server = Assert.Single(spans, s => s.Kind == "SERVER");
            Assert.Equal(("productpage.default", "outbound reviews.default.svc.cluster.local"), (client.Service, client.Name));
            Assert.Equal(("reviews.default", "inbound reviews"), (server.Service, server.Name));
            return (client, server);
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var owned in Enumerable.Reverse(_owned))
            {
                owned.Dispose();
            }

            foreach (var owned in Enumerable.Reverse(_ownedAsync))
            {
                await owned.DisposeAsync();
            }

            _directory?.Delete(recursive: true);
        }

        private async Task StartCoreAsync(string propagation, bool otlp)
        {
            _owned.Add(_http);
            _directory = Directory.CreateTempSubdirectory("mesh-tracing-");
            Collector = await SpanCollector.StartAsync();
            _ownedAsync.Add(Collector);
            Backend = await TestBackend.StartAsync("reviews");
            _ownedAsync.Add(Backend);

            var inbound = ProxyProcess.FreePort();
            var server = new ProxyConfig { Inbound = new InboundConfig { MtlsMode = MtlsMode.Disable } };
            var serverAdmin = Start("reviews", server, propagation, otlp, ProxyProcess.FreePort(), inbound, ["--app-port", ProxyProcess.Text(Backend.Port)]);

            var client = new ProxyConfig();
            var cluster = ConfigFactory.Cluster("reviews", []);
            cluster.Endpoints.Add(new Endpoint { Address = "127.0.0.1", Port = (uint)inbound, Workload = "default/reviews-1" });
            client.Clusters.Add(cluster);
            client.VirtualHosts.Add(ConfigFactory.Host("reviews", 9080, ConfigFactory.Forward("default", (cluster.Name, 100))));
            _outbound = ProxyProcess.FreePort();
            var clientAdmin = Start("productpage", client, propagation, otlp, _outbound, ProxyProcess.FreePort(), []);

            await ProxyProcess.WaitReadyAsync(_http, serverAdmin);
            await ProxyProcess.WaitReadyAsync(_http, clientAdmin);
        }

        private int Start(string app, ProxyConfig config, string propagation, bool otlp, int outbound, int inbound, string[] extra)
        {
            var file = Path.Combine(_directory.FullName, app + ".json");
            File.WriteAllText(file, $"{{\"version\":\"{app}-1\",\"config\":{Google.Protobuf.JsonFormatter.Default.Format(config)}}}");
            var admin = ProxyProcess.FreePort();
            List<string> arguments =
            [
                "run", "--config-file", file, "--admin-port", ProxyProcess.Text(admin),
                "--outbound-port", ProxyProcess.Text(outbound), "--inbound-port", ProxyProcess.Text(inbound),
                "--node-id", $"default/{app}-1", "--namespace", "default", "--labels", $"app={app}",
                "--zipkin-endpoint", Collector.ZipkinEndpoint.ToString(), "--trace-propagation", propagation,
                .. extra,
            ];
            if (otlp)
            {
                arguments.AddRange(["--otlp-endpoint", Collector.Address.ToString()]);
            }

            _owned.Add(ProxyProcess.Start(arguments));
            return admin;
        }
    }
}
