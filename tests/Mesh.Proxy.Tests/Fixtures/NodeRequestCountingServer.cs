namespace Mesh.Proxy.Tests.Fixtures;

/// <summary>
/// Node's own HTTP/1.1 server on 127.0.0.1, an implementation nobody here wrote, run from peers/http1: it answers
/// every request 200 "ok" and counts the requests each connection carried.
/// </summary>
public sealed class NodeRequestCountingServer : IAsyncDisposable
{
    private readonly NodePeer _peer;

    private NodeRequestCountingServer(NodePeer peer) => _peer = peer;

    public int Port => _peer.Port;

    public static async Task<NodeRequestCountingServer> StartAsync() =>
        new(await NodePeer.StartAsync("http1", "request-counter.js"));

    /// <summary>What the server has counted so far.</summary>
    public async Task<RequestCounts> ReportAsync()
    {
        var report = await _peer.AskAsync("report", "report");
        return new RequestCounts(
            [.. report.GetProperty("requests").EnumerateArray().Select(r => r.GetInt32())],
            report.GetProperty("askedToClose").GetInt32());
    }

    public ValueTask DisposeAsync() => _peer.DisposeAsync();
}

/// <summary>Per connection, the requests it carried (in the order connections arrived); and how many requests asked for Connection: close.</summary>
public sealed record RequestCounts(IReadOnlyList<int> PerConnection, int AskedToClose);
