using System.Text.Json.Nodes;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.Fixtures;

/// <summary>
/// An HTTP/2 server nobody here wrote on 127.0.0.1, run by node from peers/http2 (installed by build/test.sh from its
/// lockfile): Node's own http2 (nghttp2) over h2c or TLS, or a @grpc/grpc-js server. Like
/// <see cref="StreamCountingBackend"/> it holds each request until <c>hold</c> have arrived (or a deadline passes)
/// and records, per connection, the most requests it had in flight at once.
/// </summary>
public sealed class NodeStreamCountingServer : IAsyncDisposable
{
    private readonly NodePeer _peer;

    private NodeStreamCountingServer(NodePeer peer) => _peer = peer;

    public int Port => _peer.Port;

    /// <summary>Node's http2 server; <paramref name="maxConcurrentStreams"/> null announces no limit (nghttp2's default).</summary>
    /// <param name="tls">PEM files of the server's certificate and key: TLS with ALPN h2; null: h2c.</param>
    public static Task<NodeStreamCountingServer> StartHttp2Async(int hold, TimeSpan deadline, uint? maxConcurrentStreams = null, (string Certificate, string Key)? tls = null)
    {
        var options = Options(hold, deadline);
        if (maxConcurrentStreams is { } limit)
        {
            options["maxConcurrentStreams"] = limit;
        }

        if (tls is var (certificate, key))
        {
            options["tls"] = new JsonObject { ["cert"] = certificate, ["key"] = key };
        }

        return StartAsync("http2-server.js", options);
    }

    /// <summary>A @grpc/grpc-js server (h2c) whose unary method /mesh.test.Holder/Hold answers the bytes "ok".</summary>
    public static Task<NodeStreamCountingServer> StartGrpcAsync(int hold, TimeSpan deadline) => StartAsync("grpc-server.js", Options(hold, deadline));

    /// <summary>What the server has counted so far.</summary>
    public async Task<StreamCounts> ReportAsync()
    {
        var report = await _peer.AskAsync("report", "report");
        return new StreamCounts(
            report.GetProperty("allHeldTogether").GetBoolean(),
            report.GetProperty("arrived").GetInt32(),
            [.. report.GetProperty("peaks").EnumerateArray().Select(p => p.GetInt32())]);
    }

    public ValueTask DisposeAsync() => _peer.DisposeAsync();

    private static JsonObject Options(int hold, TimeSpan deadline) => new() { ["hold"] = hold, ["deadlineMs"] = (int)deadline.TotalMilliseconds };

    private static async Task<NodeStreamCountingServer> StartAsync(string script, JsonObject options)
    {
        var folder = RepositoryPaths.Combine("tests", "Mesh.Proxy.Tests", "peers", "http2");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "@grpc", "grpc-js")))
        {
            Assert.Fail($"{folder}/node_modules is missing: run build/test.sh (it runs npm ci there) or npm ci in that folder.");
        }

        return new(await NodePeer.StartAsync("http2", script, options.ToJsonString()));
    }
}

/// <summary>A server's counts: whether <c>hold</c> requests were in flight together, how many arrived, and per connection the most in flight at once.</summary>
public sealed record StreamCounts(bool AllHeldTogether, int Arrived, IReadOnlyList<int> PeakStreams);
