using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Api.V1;

namespace Mesh.Convergence;

/// <summary>
/// One run: the synthetic mesh, the operator, the simulated proxies, their initial convergence, then rounds of three
/// changes each (a VirtualService's weights, which every proxy routes to; a namespace's rate limit, which only that
/// namespace's proxies carry; one workload's port, an endpoint-only change of clusters every proxy carries), each
/// timed per proxy from the file write to that proxy's ACK.
/// </summary>
internal sealed class ConvergenceRun(HarnessOptions options, string manifests)
{
    private static readonly TimeSpan ChangeTimeout = TimeSpan.FromSeconds(120);

    // After the expected proxies ACKed, how long to keep listening for pushes that should not have happened.
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(1.5);

    private readonly Channel<SimulatedProxy.Ack> _acks = Channel.CreateUnbounded<SimulatedProxy.Ack>();
    private readonly SyntheticMeshWriter _mesh = new(manifests, options.Services, options.Proxies, options.Namespaces);
    private readonly Dictionary<string, List<double>> _byKind = new(StringComparer.Ordinal);

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        _mesh.WriteAll();
        Print($"mesh: {options.Services} services, {options.Proxies} proxies, {options.Namespaces} namespaces; manifests in {manifests}");
        Print($"proxies ask for {(options.Full ? "whole configs only (--full)" : "deltas")}; {options.Connections} channels (HTTP/2 connections, more if a server caps streams per connection), stream window {options.StreamWindowKiB} KiB; load average {LoadAverage()}");
        await using var op = await OperatorProcess.StartAsync(options.Operator, manifests, TimeSpan.FromMinutes(3), cancellationToken);
        PrintMemory(op, "operator ready, no proxies");

        var channels = Enumerable.Range(0, options.Connections)
            .Select(_ => GrpcChannel.ForAddress($"http://127.0.0.1:{op.GrpcPort}", new GrpcChannelOptions
            {
                MaxReceiveMessageSize = null,
                HttpHandler = new SocketsHttpHandler
                {
                    EnableMultipleHttp2Connections = true,
                    InitialHttp2StreamWindowSize = options.StreamWindowKiB * 1024,
                    PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                },
            }))
            .ToList();
        var invokers = channels.Select(c => c.CreateCallInvoker()).ToList();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = op.BootstrapToken;
        var proxies = Enumerable.Range(0, options.Proxies)
            .Select(j => Node(j))
            .Select((node, j) => new SimulatedProxy(j, node, Credentials(node, token), invokers[j % invokers.Count], _acks.Writer, SyntheticReport(j, node)))
            .ToList();

        var started = Stopwatch.GetTimestamp();
        var running = proxies.Select(p => Task.Run(() => p.RunAsync(stop.Token), CancellationToken.None)).ToList();
        var initial = await CollectAsync(proxies, [.. proxies.Select(p => p.Index)], started, TimeSpan.FromMinutes(5), cancellationToken);
        Print($"initial configs: {initial.Acked.Count}/{options.Proxies} proxies ACKed; last after {initial.Acked.Values.DefaultIfEmpty().Max():F0} ms; " +
              $"config size {proxies.Average(p => p.LastResponseSize) / 1024 / 1024:F2} MiB on average");
        PrintMemory(op, "after initial convergence");

        for (var round = 1; round <= options.Rounds; round++)
        {
            var service = (round * 7) % options.Services;
            await ChangeAsync(op, proxies, $"weights of svc-{service} (all proxies)", "all", [.. proxies.Select(p => p.Index)], () => _mesh.WriteService(service, 80 - (5 * round)), cancellationToken);
            var inNs0 = proxies.Where(p => _mesh.NamespaceOfProxy(p.Index) == "ns-0").Select(p => p.Index).ToHashSet();
            await ChangeAsync(op, proxies, "rate limit of ns-0 (its proxies)", "subset", inNs0, () => _mesh.WriteNamespacePolicy(100 + round), cancellationToken);
            var moved = (round * 13) % options.Proxies;
            await ChangeAsync(op, proxies, $"endpoint of svc-{moved % options.Services} (all proxies)", "endpoint", [.. proxies.Select(p => p.Index)], () => _mesh.WriteWorkloads(moved, 9000 + round), cancellationToken);
        }

        Print("");
        foreach (var (kind, samples) in _byKind)
        {
            Print($"summary {kind,-6}: {new LatencySummary(samples)}");
        }

        PrintMemory(op, "at the end");
        if (options.ReportEdges > 0)
        {
            await PrintTrafficStoreAsync(op, proxies, cancellationToken);
        }

        Print($"responses: {proxies.Sum(p => p.Wholes)} whole ({proxies.Sum(p => p.WholeBytes) / 1024.0 / 1024:F1} MiB), " +
              $"{proxies.Sum(p => p.Deltas)} deltas ({proxies.Sum(p => p.DeltaBytes) / 1024.0 / 1024:F2} MiB, {proxies.Sum(p => p.DeltaBytes) / (double)Math.Max(1, proxies.Sum(p => p.Deltas)):F0} B each); " +
              $"deltas onto another base (NACKed): {proxies.Sum(p => p.Mismatches)}");
        Print($"load average {LoadAverage()}");
        Print($"reconnects: {proxies.Sum(p => p.Reconnects)}{(proxies.FirstOrDefault(p => p.LastError is not null) is { } failed ? "; e.g. " + failed.LastError : "")}");

        // The operator goes first, so that it does not log the proxies' streams being reset as failures.
        await op.DisposeAsync();
        await stop.CancelAsync();
        await Task.WhenAll(running);
        channels.ForEach(c => c.Dispose());
        return initial.Acked.Count == options.Proxies ? 0 : 1;
    }

    private async Task ChangeAsync(OperatorProcess op, List<SimulatedProxy> proxies, string what, string kind, HashSet<int> expected, Action write, CancellationToken cancellationToken)
    {
        // Let the previous change's debounce and stragglers pass, so that each measurement starts from a quiet mesh.
        await Task.Delay(TimeSpan.FromSeconds(0.5), cancellationToken);
        var idleFrom = op.CpuTime;
        await Task.Delay(TimeSpan.FromSeconds(1.5), cancellationToken);
        var idle = op.CpuTime - idleFrom;
        while (_acks.Reader.TryRead(out _))
        {
        }

        var before = proxies.Select(p => p.AckedVersion).ToArray();
        var (operatorCpu, harnessCpu) = (op.CpuTime, Environment.CpuUsage.TotalTime);
        var stages = await op.StageSecondsAsync(cancellationToken);
        var written = Stopwatch.GetTimestamp();
        write();
        var result = await CollectAsync(proxies, expected, written, ChangeTimeout, cancellationToken, before);
        var latencies = result.Acked.Where(pair => expected.Contains(pair.Key)).Select(pair => pair.Value).ToList();
        if (!_byKind.TryGetValue(kind, out var samples))
        {
            _byKind[kind] = samples = [];
        }

        samples.AddRange(latencies);
        var unexpected = result.Acked.Keys.Count(p => !expected.Contains(p));
        var (operatorUsed, harnessUsed) = (op.CpuTime - operatorCpu, Environment.CpuUsage.TotalTime - harnessCpu);
        var after = await op.StageSecondsAsync(cancellationToken);
        Print($"{what}: affected {latencies.Count}/{expected.Count} ACKed, {unexpected} others pushed; {new LatencySummary(latencies)}; " +
              $"CPU used meanwhile (incl. the {Grace.TotalSeconds} s grace): operator {operatorUsed.TotalSeconds:F2} s, harness {harnessUsed.TotalSeconds:F1} s; " +
              $"operator compile {(after.Compile - stages.Compile) * 1000:F0} ms, publish {(after.Publish - stages.Publish) * 1000:F0} ms (0: an operator without these metrics); " +
              $"operator CPU idle before it {idle.TotalSeconds:F2} s in 1.5 s");
    }

    /// <summary>
    /// Reads ACKs until every proxy in <paramref name="expected"/> ACKed a version other than the one it had before
    /// (<paramref name="before"/>), then a grace period more; returns per proxy the milliseconds from <paramref name="since"/>.
    /// </summary>
    private async Task<Collected> CollectAsync(
        List<SimulatedProxy> proxies,
        HashSet<int> expected,
        long since,
        TimeSpan timeout,
        CancellationToken cancellationToken,
        string[]? before = null)
    {
        var acked = new Dictionary<int, double>();
        var waiting = new HashSet<int>(expected);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var graceStarted = false;
        try
        {
            while (await _acks.Reader.WaitToReadAsync(deadline.Token))
            {
                while (_acks.Reader.TryRead(out var ack))
                {
                    if (ack.SentAt < since || (before is not null && ack.Version == before[ack.Proxy]) || acked.ContainsKey(ack.Proxy))
                    {
                        continue;
                    }

                    acked[ack.Proxy] = Stopwatch.GetElapsedTime(since, ack.SentAt).TotalMilliseconds;
                    waiting.Remove(ack.Proxy);
                }

                if (waiting.Count == 0 && !graceStarted)
                {
                    graceStarted = true;
                    deadline.CancelAfter(Grace);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
        }

        if (waiting.Count > 0)
        {
            Print($"  timed out: {waiting.Count} proxies did not ACK a new config within {timeout.TotalSeconds:F0} s (e.g. proxy {waiting.First()}, last error {proxies[waiting.First()].LastError ?? "none"})");
        }

        return new Collected(acked);
    }

    private static Metadata Credentials(Node node, string token) => new()
    {
        { "authorization", "Bearer " + token },
        { "mesh-namespace", node.Namespace },
        { "mesh-service-account", node.ServiceAccount },
    };

    private Node Node(int proxy)
    {
        var node = new Node
        {
            Id = $"{_mesh.NamespaceOfProxy(proxy)}/{_mesh.ProxyName(proxy)}",
            Namespace = _mesh.NamespaceOfProxy(proxy),
            ServiceAccount = _mesh.ProxyApp(proxy),
        };
        node.Labels.Add("app", _mesh.ProxyApp(proxy));
        node.Labels.Add("version", _mesh.ProxyVersion(proxy));
        node.AcceptsDelta = !options.Full;
        return node;
    }

    /// <summary>
    /// What a proxy of service j reports: <see cref="HarnessOptions.ReportEdges"/> destinations (services j+1, j+2, ...,
    /// subsets v1-v3 in turn) with requests, a failure and a latency spread. Proxies of one service share a source
    /// workload, so the store holds about services × edges distinct edges, as in a real mesh.
    /// </summary>
    private TrafficReport? SyntheticReport(int proxy, Node node)
    {
        if (options.ReportEdges <= 0)
        {
            return null;
        }

        var report = new TrafficReport { SourceWorkload = node.Labels["app"], IntervalMs = (uint)SimulatedProxy.ReportInterval.TotalMilliseconds };
        report.LatencyBoundsSeconds.Add([0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]);
        for (var k = 1; k <= options.ReportEdges; k++)
        {
            var edge = new TrafficEdge
            {
                DestinationService = $"svc-{(proxy + k) % options.Services}.{_mesh.NamespaceOfProxy((proxy + k) % options.Services)}.svc.cluster.local",
                DestinationSubset = $"v{1 + (k % 3)}",
                Requests = 50,
                Failures = 1,
            };
            edge.LatencyBuckets.Add([5, 20, 15, 5, 3, 1, 1]);
            report.Edges.Add(edge);
        }

        return report;
    }

    private async Task PrintTrafficStoreAsync(OperatorProcess op, List<SimulatedProxy> proxies, CancellationToken cancellationToken)
    {
        // Two more intervals, so that every proxy has reported since the rounds and the store holds all its edges.
        await Task.Delay(SimulatedProxy.ReportInterval * 2, cancellationToken);
        using var http = new HttpClient();
        var graph = await http.GetStringAsync(new Uri($"http://127.0.0.1:{op.HttpPort}/ui/api/graph?window=900"), cancellationToken);
        using var document = System.Text.Json.JsonDocument.Parse(graph);
        var store = document.RootElement.GetProperty("store");
        var edges = store.GetProperty("edges").GetInt32();
        var bytesPerEdge = store.GetProperty("bytesPerEdge").GetInt64();
        Print($"traffic reports: {proxies.Sum(p => p.ReportsSent)} sent by {proxies.Count} proxies ({options.ReportEdges} edges each, every {SimulatedProxy.ReportInterval.TotalSeconds:0} s); " +
              $"store: {edges} edges × {bytesPerEdge} B = {edges * bytesPerEdge / 1024.0 / 1024:F1} MiB of history, {store.GetProperty("droppedEdgeReports").GetInt64()} reports of new edges dropped");
        PrintMemory(op, "with the traffic store filled");
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static void PrintMemory(OperatorProcess op, string when)
    {
        var (rss, peak) = op.Memory();
        Print($"operator memory {when}: VmRSS {rss:F0} MiB, VmHWM {peak:F0} MiB");
    }

    private static void Print(string line) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.UtcNow:HH:mm:ss}] {line}"));

    private sealed record Collected(Dictionary<int, double> Acked);
}
