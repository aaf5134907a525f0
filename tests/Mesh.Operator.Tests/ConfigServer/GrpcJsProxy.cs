using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Mesh.Testing;

namespace Mesh.Operator.Tests.ConfigServer;

/// <summary>
/// @grpc/grpc-js as a proxy on the config stream (peers/grpc-js/config-stream.js, installed by build/test.sh from its
/// lockfile): a test sends it commands (ack, nack, stale, end) and reads the events it prints.
/// </summary>
internal sealed class GrpcJsProxy : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly Process _process;
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();
    private readonly StringBuilder _stderr = new();
    private readonly List<JsonElement> _skipped = [];

    private GrpcJsProxy(Process process)
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

    /// <param name="tokenFile">The operator's bootstrap token file, re-read for every stream; null sends no credentials.</param>
    public static GrpcJsProxy Start(Uri grpcAddress, string nodeId, string? tokenFile)
    {
        var folder = RepositoryPaths.Combine("tests", "Mesh.Operator.Tests", "peers", "grpc-js");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "@grpc", "grpc-js")))
        {
            Assert.Fail($"@grpc/grpc-js is not installed: run build/test.sh (it runs npm ci there) or npm ci in {folder}.");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("config-stream.js");
        start.ArgumentList.Add($"127.0.0.1:{grpcAddress.Port}");
        start.ArgumentList.Add(nodeId);
        if (tokenFile is not null)
        {
            start.ArgumentList.Add(tokenFile);
        }

        return new GrpcJsProxy(Process.Start(start) ?? throw new InvalidOperationException("node did not start"));
    }

    public async Task SendAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>The next event of the given kind; events of other kinds stay for later calls.</summary>
    public async Task<JsonElement> NextAsync(string kind)
    {
        var index = _skipped.FindIndex(e => Is(e, kind));
        if (index >= 0)
        {
            var earlier = _skipped[index];
            _skipped.RemoveAt(index);
            return earlier;
        }

        using var deadline = new CancellationTokenSource(Patience);
        try
        {
            while (true)
            {
                var next = await _events.Reader.ReadAsync(deadline.Token);
                if (Is(next, kind))
                {
                    return next;
                }

                _skipped.Add(next);
            }
        }
        catch (OperationCanceledException)
        {
            lock (_stderr)
            {
                Assert.Fail($"grpc-js printed no '{kind}' event within {Patience.TotalSeconds} s. stderr: {_stderr}");
            }

            throw;
        }
    }

    /// <summary>Whether a <paramref name="kind"/> event arrives within <paramref name="wait"/> (for what must not).</summary>
    public async Task<bool> ArrivesWithinAsync(string kind, TimeSpan wait)
    {
        if (_skipped.Exists(e => Is(e, kind)))
        {
            return true;
        }

        using var deadline = new CancellationTokenSource(wait);
        try
        {
            while (true)
            {
                var next = await _events.Reader.ReadAsync(deadline.Token);
                _skipped.Add(next);
                if (Is(next, kind))
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static bool Is(JsonElement e, string kind) => e.GetProperty("event").GetString() == kind;

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
