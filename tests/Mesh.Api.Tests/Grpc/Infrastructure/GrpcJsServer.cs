using System.Diagnostics;

namespace Mesh.Api.Tests.Grpc.Infrastructure;

/// <summary>A running server.js; its stdout lines are events the tests wait for. Killed on dispose.</summary>
internal sealed class GrpcJsServer : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly System.Text.StringBuilder _stderr = new();

    public GrpcJsServer(Process process)
    {
        _process = process;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_lines)
                {
                    _lines.Add(e.Data);
                }
            }
        };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; set; }

    public string Address => $"http://127.0.0.1:{Port}";

    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        while (true)
        {
            lock (_lines)
            {
                var line = _lines.FirstOrDefault(predicate);
                if (line is not null)
                {
                    return line;
                }
            }

            if (_process.HasExited || cancellation.IsCancellationRequested)
            {
                string stderr;
                lock (_stderr)
                {
                    stderr = _stderr.ToString();
                }

                Assert.Fail($"grpc-js server: expected line not seen within {timeout.TotalSeconds} s (exited: {_process.HasExited}). stderr: {stderr}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), CancellationToken.None);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }
}
