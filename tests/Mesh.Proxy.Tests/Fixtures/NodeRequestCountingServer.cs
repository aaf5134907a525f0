using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.Fixtures;

/// <summary>
/// Node's own HTTP/1.1 server on 127.0.0.1, an implementation nobody here wrote, run from peers/http1: it answers
/// every request 200 "ok" and counts the requests each connection carried.
/// </summary>
public sealed class NodeRequestCountingServer : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();
    private readonly StringBuilder _stderr = new();

    private NodeRequestCountingServer(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is { Length: > 0 } data)
            {
                using var document = JsonDocument.Parse(data);
                _events.Writer.TryWrite(document.RootElement.Clone());
            }
        };
        _process.ErrorDataReceived += (_, line) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(line.Data);
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; private set; }

    public static async Task<NodeRequestCountingServer> StartAsync()
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryPaths.Combine("tests", "Mesh.Proxy.Tests", "peers", "http1"),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("request-counter.js");
        var server = new NodeRequestCountingServer(Process.Start(start) ?? throw new InvalidOperationException("node did not start"));
        try
        {
            server.Port = (await server.NextAsync("listening")).GetProperty("port").GetInt32();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>What the server has counted so far.</summary>
    public async Task<RequestCounts> ReportAsync()
    {
        await _process.StandardInput.WriteLineAsync("report");
        await _process.StandardInput.FlushAsync();
        var report = await NextAsync("report");
        return new RequestCounts(
            [.. report.GetProperty("requests").EnumerateArray().Select(r => r.GetInt32())],
            report.GetProperty("askedToClose").GetInt32());
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // The script exits when its stdin closes; a kill is for one that does not.
            _process.StandardInput.Close();
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }

    private async Task<JsonElement> NextAsync(string kind)
    {
        using var deadline = new CancellationTokenSource(Patience);
        try
        {
            while (true)
            {
                var next = await _events.Reader.ReadAsync(deadline.Token);
                if (next.GetProperty("event").GetString() == kind)
                {
                    return next;
                }
            }
        }
        catch (OperationCanceledException)
        {
            lock (_stderr)
            {
                Assert.Fail($"node printed no '{kind}' event within {Patience.TotalSeconds} s; exited: {_process.HasExited}. stderr: {_stderr}");
            }

            throw;
        }
    }
}

/// <summary>Per connection, the requests it carried (in the order connections arrived); and how many requests asked for Connection: close.</summary>
public sealed record RequestCounts(IReadOnlyList<int> PerConnection, int AskedToClose);
