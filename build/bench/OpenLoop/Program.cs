using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Mesh.Bench.OpenLoop;

// Usage: openloop URL RATE SECONDS CONNECTIONS [LOG_FILE]
//
// Sends GET URL at RATE requests/s for SECONDS, evenly spaced (request i is due at i/RATE s), round robin over
// CONNECTIONS keep-alive HTTP/1.1 connections, and records each request's latency from its due time. h2load --rps
// instead fires each connection's requests on that connection's own timer, so with c connections the requests
// arrive in bursts of c at once and a proxy's latency there is mostly the time to work through a burst.
// Prints h2load's summary lines (run.sh's report reads them) and writes h2load's --log-file format.
// OPENLOOP_HOSTS=a,b,c: connection i sends Host: HOSTS[i % count] instead of URL's authority, so one run spreads its
// rate over many destinations of a proxy's outbound listener (reporting.sh's many-destinations case).
if (args.Length < 4
    || !Uri.TryCreate(args[0], UriKind.Absolute, out var url)
    || !double.TryParse(args[1], CultureInfo.InvariantCulture, out var rate) || rate <= 0
    || !double.TryParse(args[2], CultureInfo.InvariantCulture, out var seconds) || seconds <= 0
    || !int.TryParse(args[3], CultureInfo.InvariantCulture, out var connectionCount) || connectionCount <= 0)
{
    await Console.Error.WriteLineAsync("usage: openloop URL RATE SECONDS CONNECTIONS [LOG_FILE]");
    return 2;
}

// Answers are handled where the socket event arrives, as the proxy under test does, so that the generator adds
// no thread-pool hop to what it measures. The runtime reads this before the first socket exists.
Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

var target = new IPEndPoint(IPAddress.Parse(url.Host), url.Port);
var hosts = Environment.GetEnvironmentVariable("OPENLOOP_HOSTS")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } listed
    ? listed
    : [url.Authority];
byte[] RequestFor(int connection) =>
    Encoding.ASCII.GetBytes($"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {hosts[connection % hosts.Length]}\r\nUser-Agent: mesh-openloop\r\nAccept: */*\r\n\r\n");
using var stop = new CancellationTokenSource();
var count = (int)(rate * seconds);
var start = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 10;
var log = new RequestLog(count, rate, start);
var connections = new LoadConnection[connectionCount];
var receiving = new Task[connectionCount];
for (var i = 0; i < connectionCount; i++)
{
    try
    {
        connections[i] = await LoadConnection.OpenAsync(target, RequestFor(i), log, stop.Token);
    }
    catch (System.Net.Sockets.SocketException e)
    {
        await Console.Error.WriteLineAsync($"openloop: cannot connect to {target}: {e.Message}");
        return 1;
    }

    receiving[i] = connections[i].ReceiveAsync(stop.Token);
}

// The schedule runs on its own thread, which sleeps until each send is due (MonotonicSleep). The rest waits
// without blocking: a blocked thread-pool thread would hold up the answers' continuations.
var scheduled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
var scheduler = new Thread(() =>
{
    MonotonicSleep.ReduceTimerSlack();
    for (var i = 0; i < count; i++)
    {
        var due = log.IntendedTimestamp(i);
        if (Stopwatch.GetTimestamp() < due)
        {
            MonotonicSleep.Until(due);
        }

        connections[i % connectionCount].Enqueue(i);
    }

    scheduled.SetResult();
})
{ IsBackground = true, Name = "schedule" };
scheduler.Start();
await scheduled.Task;

// Answers still out get ten seconds; whatever has not come back then counts as a timeout.
var deadline = Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency;
while (log.Completed + log.Errored < count && Stopwatch.GetTimestamp() < deadline)
{
    await Task.Delay(10);
}

var elapsed = Stopwatch.GetElapsedTime(start);
var timedOut = count - log.Completed - log.Errored;
await stop.CancelAsync();
foreach (var connection in connections)
{
    connection.Dispose();
}

await Task.WhenAll(receiving);
if (args.Length > 4)
{
    await using var file = new StreamWriter(args[4], append: false, Encoding.ASCII);
    log.Write(file);
}

var (ok, redirect, clientError, serverError) = log.StatusClasses();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"finished in {elapsed.TotalSeconds:0.00}s, {log.Completed / elapsed.TotalSeconds:0.00} req/s (openloop: {rate:0} req/s evenly spaced over {connectionCount} connections)"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"requests: {count} total, {count} started, {log.Completed + log.Errored} done, {ok} succeeded, {log.Completed - ok} failed, {log.Errored} errored, {timedOut} timeout"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"status codes: {ok} 2xx, {redirect} 3xx, {clientError} 4xx, {serverError} 5xx"));
return 0;
