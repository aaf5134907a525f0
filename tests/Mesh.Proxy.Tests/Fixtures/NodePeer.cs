using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.Fixtures;

/// <summary>
/// A Node script from peers/ run as a server nobody here wrote: it prints one JSON event per line on stdout (each with
/// an <c>event</c> name; first <c>listening</c> with its <c>port</c>), takes commands one per line on stdin, and exits
/// when stdin closes.
/// </summary>
internal sealed class NodePeer : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();
    private readonly StringBuilder _stderr = new();

    private NodePeer(Process process)
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

    /// <summary>Runs <paramref name="script"/> in tests/Mesh.Proxy.Tests/peers/<paramref name="folder"/> and waits until it listens.</summary>
    public static async Task<NodePeer> StartAsync(string folder, string script, params string[] arguments)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryPaths.Combine("tests", "Mesh.Proxy.Tests", "peers", folder),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var peer = new NodePeer(Process.Start(start) ?? throw new InvalidOperationException("node did not start"));
        try
        {
            peer.Port = (await peer.NextAsync("listening")).GetProperty("port").GetInt32();
            return peer;
        }
        catch
        {
            await peer.DisposeAsync();
            throw;
        }
    }

    /// <summary>Sends <paramref name="command"/> and returns the next event named <paramref name="answer"/>.</summary>
    public async Task<JsonElement> AskAsync(string command, string answer)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        return await NextAsync(answer);
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
