using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Mesh.Convergence;

/// <summary>The real mesh-operator executable in local mode on loopback, and its memory as the kernel counts it.</summary>
internal sealed class OperatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private bool _disposed;

    private readonly string _caDirectory;

    private OperatorProcess(Process process, int grpcPort, int httpPort, string caDirectory)
    {
        _process = process;
        _caDirectory = caDirectory;
        GrpcPort = grpcPort;
        HttpPort = httpPort;
    }

    public int GrpcPort { get; }

    public int HttpPort { get; }

    public int Pid => _process.Id;

    /// <summary>The bootstrap token simulated proxies authenticate their streams with, as local-mode proxies do.</summary>
    public string BootstrapToken => File.ReadAllText(Path.Combine(_caDirectory, "bootstrap-token")).Trim();

    public static async Task<OperatorProcess> StartAsync(string executable, string manifests, TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        var (grpcPort, httpPort) = (FreePort(), FreePort());
        var caDirectory = Directory.CreateTempSubdirectory("mesh-convergence-ca-").FullName;
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "run", "--source", "dir:" + manifests, "--listen-address", "127.0.0.1",
            "--grpc-port", grpcPort.ToString(CultureInfo.InvariantCulture),
            "--http-port", httpPort.ToString(CultureInfo.InvariantCulture),
            // Not the default 15017: another operator on the machine (a test, a second run) must not stop this one.
            "--webhook-port", FreePort().ToString(CultureInfo.InvariantCulture),
            "--log-level", "Warning", "--ca-dir", caDirectory,
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
        process.OutputDataReceived += (_, e) => Echo(e.Data);
        process.ErrorDataReceived += (_, e) => Echo(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var result = new OperatorProcess(process, grpcPort, httpPort, caDirectory);
        await result.WaitReadyAsync(readyTimeout, cancellationToken);
        return result;
    }

    /// <summary>CPU time the operator has used so far (user and system).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    /// <summary>
    /// The sums of the operator's compile and publish (assemble and queue every proxy's config) histograms, in
    /// seconds; zero for an operator without them (an older build).
    /// </summary>
    public async Task<(double Compile, double Publish)> StageSecondsAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{HttpPort}/metrics"), cancellationToken);
        double Sum(string name) => text.Split('\n').FirstOrDefault(l => l.StartsWith(name + " ", StringComparison.Ordinal)) is { } line
            ? double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture)
            : 0;
        return (Sum("mesh_config_compile_seconds_sum"), Sum("mesh_config_publish_seconds_sum"));
    }

    /// <summary>VmRSS and VmHWM (peak RSS) of the operator, in MiB.</summary>
    public (double Rss, double Peak) Memory()
    {
        double rss = 0, peak = 0;
        foreach (var line in File.ReadLines($"/proc/{Pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line) / 1024.0;
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = Kilobytes(line) / 1024.0;
            }
        }

        return (rss, peak);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_caDirectory, recursive: true);
    }

    private async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the operator exited with code {_process.ExitCode} before it was ready");
            }

            try
            {
                using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{HttpPort}/readyz"), cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"the operator was not ready within {timeout}");
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    private static long Kilobytes(string statusLine) =>
        long.Parse(statusLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Echo(string? line)
    {
        // The synthetic DestinationRules' v3 subsets select no workload on purpose; the operator warns once about each.
        if (line is not null && !line.Contains("ProblemLogSink", StringComparison.Ordinal))
        {
            Console.Error.WriteLine("operator: " + line);
        }
    }
}
