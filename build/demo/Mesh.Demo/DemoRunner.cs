using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Mesh.Demo;

/// <summary>
/// The local demo: bookinfo-role services, the operator in local mode over a copy of examples/bookinfo, and one sidecar
/// (productpage's) on loopback. Sends real traffic through the sidecar, prints what was configured against what was
/// observed, edits a manifest live and shows the new split. Exits 1 when an observation contradicts its configuration.
/// </summary>
internal static class DemoRunner
{
    private const string Reviews = "http://reviews.default.svc.cluster.local:9080/reviews/0";
    private const string Ratings = "http://ratings.default.svc.cluster.local:9080/ratings/0";
    private const string Details = "http://details.default.svc.cluster.local:9080/details/0";
    private const int OperatorGrpcPort = 15010;
    private const int OperatorHttpPort = 15014;
    private const int SidecarOutboundPort = 15001;
    private const int SidecarInboundPort = 15006;
    private const int SidecarAdminPort = 15000;

    private static readonly string DashboardAddress = $"http://127.0.0.1:{OperatorHttpPort}/ui/";

    private static readonly HttpClient Local = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <param name="keep">After the checks, keep the mesh running (sending a little traffic, so the dashboard stays
    /// live) until cancelled.</param>
    public static async Task<int> RunAsync(string repository, bool keep, TextWriter output, CancellationToken cancellationToken)
    {
        var operatorDll = Path.Combine(repository, "operator/Mesh.Operator/bin/Release/net10.0/mesh-operator.dll");
        var proxyDll = Path.Combine(repository, "proxy/Mesh.Proxy/bin/Release/net10.0/mesh-proxy.dll");
        if (!File.Exists(operatorDll) || !File.Exists(proxyDll))
        {
            await output.WriteLineAsync("The operator and proxy are not built; run build/demo.sh, which builds them first.");
            return 2;
        }

        var work = Directory.CreateTempSubdirectory("mesh-demo-").FullName;
        var manifests = Directory.CreateDirectory(Path.Combine(work, "manifests")).FullName;
        var logs = Directory.CreateDirectory(Path.Combine(work, "logs")).FullName;

        // The operator's CA and the bootstrap token the sidecar authenticates its config stream with (local mode).
        var caDirectory = Path.Combine(work, "ca");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(repository, "examples/bookinfo"), "*.yaml"))
        {
            File.Copy(file, Path.Combine(manifests, Path.GetFileName(file)));
        }

        var workloads = BookinfoWorkload.Read(Path.Combine(manifests, "workloads.yaml"));
        var busy = workloads.Select(w => w.Port)
            .Concat([OperatorGrpcPort, OperatorHttpPort, SidecarOutboundPort, SidecarInboundPort, SidecarAdminPort])
            .Where(port => !IsFree(port))
            .ToList();
        if (busy.Count > 0)
        {
            await output.WriteLineAsync($"Ports in use on 127.0.0.1: {string.Join(", ", busy)}. Stop whatever holds them and run the demo again.");
            return 2;
        }

        var checks = new Checks();
        var clock = Stopwatch.StartNew();
        await output.WriteLineAsync($"Mesh local demo. Manifests: {manifests}  Logs: {logs}\n");
        await using var services = await BookinfoServices.StartAsync(workloads, cancellationToken);
        await output.WriteLineAsync($"Started {workloads.Count} bookinfo services: {string.Join(", ", workloads.Select(w => $"{w.Name}:{w.Port}"))}");

        using var controlPlane = ChildProcess.Start("mesh-operator", operatorDll,
            ["run", "--source", "dir:" + manifests, "--grpc-port", Invariant(OperatorGrpcPort), "--http-port", Invariant(OperatorHttpPort), "--ca-dir", caDirectory], logs);
        await WaitForAsync($"http://127.0.0.1:{OperatorHttpPort}/readyz", controlPlane, cancellationToken);
        await output.WriteLineAsync($"mesh-operator ready ({clock.Elapsed.TotalSeconds:0.0} s): config stream on :{OperatorGrpcPort}, debug on :{OperatorHttpPort}");
        await output.WriteLineAsync($"Dashboard: {DashboardAddress}");

        using var sidecar = ChildProcess.Start("mesh-proxy-productpage", proxyDll,
        [
            "--discovery-address", $"http://127.0.0.1:{OperatorGrpcPort}", "--bootstrap-token-file", Path.Combine(caDirectory, "bootstrap-token"),
            "--node-id", "default/productpage-v1", "--namespace", "default",
            "--labels", "app=productpage,version=v1", "--service-account", "bookinfo-productpage",
            "--outbound-port", Invariant(SidecarOutboundPort), "--inbound-port", Invariant(SidecarInboundPort),
            "--admin-port", Invariant(SidecarAdminPort), "--app-port", Invariant(workloads.First(w => w.App == "productpage").Port),
        ], logs);
        await WaitForAsync($"http://127.0.0.1:{SidecarAdminPort}/ready", sidecar, cancellationToken);
        await output.WriteLineAsync($"productpage's sidecar ready ({clock.Elapsed.TotalSeconds:0.0} s): outbound :{SidecarOutboundPort}, admin :{SidecarAdminPort}, config version {await SidecarVersionAsync(cancellationToken)}\n");

        using var traffic = new Traffic(new Uri($"http://127.0.0.1:{SidecarOutboundPort}"));

        await output.WriteLineAsync("1. Weighted routing: reviews, 1,000 requests (VirtualService reviews, rule 'split')");
        var split = await traffic.SendAsync(Reviews, 1000, null, cancellationToken);
        WeightTable(split, [("reviews v1", 80), ("reviews v2", 20), ("reviews v3", 0)], checks).WriteTo(output);

        await output.WriteLineAsync("2. Header routing: reviews with 'end-user: jason', 200 requests (rule 'jason' comes first)");
        var jason = await traffic.SendAsync(Reviews, 200, "jason", cancellationToken);
        WeightTable(jason, [("reviews v1", 0), ("reviews v2", 0), ("reviews v3", 100)], checks).WriteTo(output);

        await output.WriteLineAsync("3. Fault injection: ratings (delay 2 s for jason; then the abort variant applied live)");
        var delayed = await traffic.SendAsync(Ratings, 4, "jason", cancellationToken);
        var undelayed = await traffic.SendAsync(Ratings, 50, null, cancellationToken);
        ApplyRatingsAbortVariant(repository, manifests);
        var abortVersion = await WaitForNewVersionAsync(await SidecarVersionAsync(cancellationToken), cancellationToken);
        var aborted = await traffic.SendAsync(Ratings, 50, "jason", cancellationToken);
        var unaborted = await traffic.SendAsync(Ratings, 50, null, cancellationToken);
        new Table("request", "configured", "observed", "check")
            .Row("jason (delay)", "+2 s, 100%", $"median {delayed.Median().TotalSeconds:0.00} s, {delayed.Percent("ratings v1"):0}% OK", checks.Verify(delayed.Median() >= TimeSpan.FromSeconds(1.9) && delayed.Percent("ratings v1") == 100))
            .Row("others", "no fault", $"median {undelayed.Median().TotalMilliseconds:0} ms, {undelayed.Percent("ratings v1"):0}% OK", checks.Verify(undelayed.Median() < TimeSpan.FromSeconds(1) && undelayed.Percent("ratings v1") == 100))
            .Row($"jason (abort, {abortVersion})", "HTTP 500, 100%", $"{aborted.Percent("HTTP 500"):0}% HTTP 500", checks.Verify(aborted.Percent("HTTP 500") == 100))
            .Row("others", "no fault", $"{unaborted.Percent("ratings v1"):0}% OK", checks.Verify(unaborted.Percent("ratings v1") == 100))
            .WriteTo(output);

        // Failures stay below the retry budget (retries may add 20% to the load, plus 10 per second), as a real
        // outage would not: past the budget the sidecar stops retrying rather than multiply the load on a sick service.
        await output.WriteLineAsync("4. Retries: details fails every 10th request with 503; the route retries 5xx up to 3 times, 300 requests");
        services.DetailsFailEvery = 10;
        var before = services.RequestsTo("details");
        var details = await traffic.SendAsync(Details, 300, null, cancellationToken);
        var reached = services.RequestsTo("details") - before;
        services.DetailsFailEvery = 0;
        new Table("measure", "value", "check")
            .Row("backend failure rate", "10% (every 10th request)", "")
            .Row("requests that succeeded for the caller", $"{details.Percent("details v1"):0.0}%", checks.Verify(details.Percent("details v1") == 100))
            .Row("attempts that reached details", $"{reached} for 300 requests", checks.Verify(reached > 300))
            .WriteTo(output);

        await output.WriteLineAsync("5. Live edit: reviews 80/20 -> 50/50 in virtual-services.yaml while the mesh runs");
        var editVersion = await SidecarVersionAsync(cancellationToken);
        var edited = Stopwatch.StartNew();
        EditSplit(Path.Combine(manifests, "virtual-services.yaml"));
        var newVersion = await WaitForNewVersionAsync(editVersion, cancellationToken);
        await output.WriteLineAsync($"   the sidecar applied version {newVersion} {edited.Elapsed.TotalMilliseconds:0} ms after the file was saved");
        var resplit = await traffic.SendAsync(Reviews, 1000, null, cancellationToken);
        WeightTable(resplit, [("reviews v1", 50), ("reviews v2", 50), ("reviews v3", 0)], checks).WriteTo(output);

        await output.WriteLineAsync($"Done in {clock.Elapsed.TotalSeconds:0.0} s: {checks.Passed} checks passed, {checks.Failed} failed.");
        if (keep)
        {
            await output.WriteLineAsync($"The mesh keeps running (--keep): open {DashboardAddress} ; Ctrl-C stops it.");
            await KeepTrafficFlowingAsync(traffic, cancellationToken);
        }

        await output.WriteLineAsync("Try it yourself while it is not running:");
        await output.WriteLineAsync("  dotnet operator/Mesh.Operator/bin/Release/net10.0/mesh-operator.dll run --source dir:examples/bookinfo");
        await output.WriteLineAsync("  dotnet proxy/Mesh.Proxy/bin/Release/net10.0/mesh-proxy.dll --bootstrap-token-file .mesh/ca/bootstrap-token \\");
        await output.WriteLineAsync("    --discovery-address http://127.0.0.1:15010 --node-id default/productpage-1 --labels app=productpage");
        await output.WriteLineAsync("  curl -x http://127.0.0.1:15001 http://reviews.default.svc.cluster.local:9080/  (503 until backends listen on 9084-9086; README: Local mode by hand)");
        return checks.Failed == 0 ? 0 : 1;
    }

    /// <summary>A few requests a second to reviews and (for jason, still aborted) ratings, so every edge of the graph stays live.</summary>
    private static async Task KeepTrafficFlowingAsync(Traffic traffic, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await traffic.SendAsync(Reviews, 10, null, cancellationToken);
                await traffic.SendAsync(Ratings, 2, "jason", cancellationToken);
                await traffic.SendAsync(Details, 3, null, cancellationToken);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Configured against observed shares; ±5 points over 1,000 requests is about 4 standard deviations at 80/20.</summary>
    private static Table WeightTable(Sample sample, (string Destination, int Percent)[] configured, Checks checks)
    {
        var table = new Table("destination", "configured", "observed", "requests", "check");
        foreach (var (destination, percent) in configured)
        {
            var observed = sample.Percent(destination);
            table.Row(destination, $"{percent}%", $"{observed:0.0}%", sample.Count(destination), checks.Verify(Math.Abs(observed - percent) <= 5));
        }

        foreach (var (outcome, count) in sample.Counts().Where(c => !configured.Any(d => d.Destination == c.Key)))
        {
            table.Row(outcome, "0%", $"{sample.Percent(outcome):0.0}%", count, checks.Verify(false));
        }

        return table;
    }

    private static void EditSplit(string file)
    {
        var text = File.ReadAllText(file);
        var edited = text.Replace("weight: 80", "weight: 50", StringComparison.Ordinal).Replace("weight: 20", "weight: 50", StringComparison.Ordinal);
        File.WriteAllText(file, edited);
    }

    /// <summary>Replaces the ratings VirtualService with examples/bookinfo-variants/ratings-abort.yaml.</summary>
    private static void ApplyRatingsAbortVariant(string repository, string manifests)
    {
        var file = Path.Combine(manifests, "virtual-services.yaml");
        var documents = File.ReadAllText(file).Split("\n---", StringSplitOptions.RemoveEmptyEntries);
        var kept = documents.Where(d => !(d.Contains("kind: VirtualService", StringComparison.Ordinal) && d.Contains("\n  name: ratings\n", StringComparison.Ordinal)));
        File.WriteAllText(file, string.Join("\n---", kept));
        File.Copy(Path.Combine(repository, "examples/bookinfo-variants/ratings-abort.yaml"), Path.Combine(manifests, "ratings-abort.yaml"));
    }

    private static async Task WaitForAsync(string url, ChildProcess process, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The process behind {url} exited; see {process.LogPath}");
            }

            try
            {
                using var response = await Local.GetAsync(url, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"{url} was not ready within 60 s; see {process.LogPath}");
    }

    private static async Task<string> SidecarVersionAsync(CancellationToken cancellationToken)
    {
        var json = await Local.GetStringAsync($"http://127.0.0.1:{SidecarAdminPort}/config_dump", cancellationToken);
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("version").GetString() ?? "";
    }

    private static async Task<string> WaitForNewVersionAsync(string previous, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            var version = await SidecarVersionAsync(cancellationToken);
            if (version != previous)
            {
                return version;
            }

            await Task.Delay(20, cancellationToken);
        }

        throw new TimeoutException("The sidecar did not receive the edited config within 30 s.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed class Checks
    {
        public int Passed { get; private set; }

        public int Failed { get; private set; }

        public string Verify(bool ok)
        {
            if (ok)
            {
                Passed++;
            }
            else
            {
                Failed++;
            }

            return ok ? "ok" : "MISMATCH";
        }
    }
}
