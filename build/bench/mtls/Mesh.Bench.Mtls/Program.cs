using System.Globalization;
using Mesh.Bench.Mtls;

// Issue 7's goal: "Two hops (client sidecar → server sidecar) with mTLS at 1,000 requests/s: added p99 ≤ 2 ms".
// Usage: Mesh.Bench.Mtls [--rate 1000] [--seconds 20] [--warmup 5] [--rounds 2]
var rate = Option(args, "--rate", 1000);
var seconds = Option(args, "--seconds", 20);
var warmup = Option(args, "--warmup", 5);
var rounds = Option(args, "--rounds", 2);

await using var mesh = await BenchMesh.StartAsync();
using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = BenchMesh.MaxConnections })
{
    Timeout = TimeSpan.FromSeconds(30),
};
var direct = new Uri($"http://127.0.0.1:{mesh.BackendPort}/");
var twoHops = new Uri($"http://127.0.0.1:{mesh.ClientOutboundPort}/");

Console.WriteLine($"warming up: 16 callers x 100 requests, then {warmup} s per path at {rate}/s ...");
await OpenLoopLoad.WarmAsync(client, direct, null, 16, 100, CancellationToken.None);
await OpenLoopLoad.WarmAsync(client, twoHops, BenchMesh.Host, 16, 100, CancellationToken.None);
await OpenLoopLoad.RunAsync(client, direct, null, rate, TimeSpan.FromSeconds(warmup), CancellationToken.None);
await OpenLoopLoad.RunAsync(client, twoHops, BenchMesh.Host, rate, TimeSpan.FromSeconds(warmup), CancellationToken.None);

// Alternating rounds, so that a noisy neighbour on a shared machine hits both paths rather than one.
var directRuns = new List<LatencySample>();
var meshRuns = new List<LatencySample>();
for (var round = 0; round < rounds; round++)
{
    directRuns.Add(await OpenLoopLoad.RunAsync(client, direct, null, rate, TimeSpan.FromSeconds(seconds), CancellationToken.None));
    meshRuns.Add(await OpenLoopLoad.RunAsync(client, twoHops, BenchMesh.Host, rate, TimeSpan.FromSeconds(seconds), CancellationToken.None));
}

var d = LatencySample.Combine(directRuns);
var m = LatencySample.Combine(meshRuns);
Console.WriteLine($"open loop, {rate} requests/s, {rounds} x {seconds} s per path, latency in ms from intended send time");
Console.WriteLine($"{"path",-26} {"requests",8} {"failed",6} {"rate/s",9} {"p50",9} {"p99",9} {"p99.9",9} {"max",9}");
Console.WriteLine(d.Row("direct to backend"));
Console.WriteLine(m.Row("two sidecars with mTLS"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"added (percentile difference): p50 {m.Percentile(50) - d.Percentile(50):0.000} ms, p99 {m.Percentile(99) - d.Percentile(99):0.000} ms, p99.9 {m.Percentile(99.9) - d.Percentile(99.9):0.000} ms (goal: p99 <= 2 ms)"));
return d.Failures + m.Failures == 0 ? 0 : 1;

static int Option(string[] args, string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}
