using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Mesh.Testing;

namespace Mesh.Operator.Tests.ConfigServer.Admission;

/// <summary>
/// The real <c>mesh-operator run --source dir:...</c> as its own process on loopback, for what only a process shows:
/// its resident memory as the kernel counts it (<c>/proc/PID/status</c>). The executable is the one built beside
/// the tests, or <c>MESH_TEST_OPERATOR</c> (e.g. an older build, to compare).
/// </summary>
internal sealed class OperatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _work;

    private OperatorProcess(Process process, string work, int grpcPort, int httpPort)
    {
        _process = process;
        _work = work;
        GrpcAddress = new Uri($"http://127.0.0.1:{grpcPort}");
        HttpAddress = new Uri($"http://127.0.0.1:{httpPort}");
    }

    public Uri GrpcAddress { get; }

    public Uri HttpAddress { get; }

    public string BootstrapToken => File.ReadAllText(Path.Combine(_work, "ca", "bootstrap-token")).Trim();

    public static async Task<OperatorProcess> StartAsync(string manifestFolder)
    {
        var work = Directory.CreateTempSubdirectory("mesh-operator-process-").FullName;
        var manifests = Directory.CreateDirectory(Path.Combine(work, "manifests")).FullName;
        foreach (var file in Directory.EnumerateFiles(manifestFolder, "*.yaml"))
        {
            File.Copy(file, Path.Combine(manifests, Path.GetFileName(file)));
        }

        var executable = Environment.GetEnvironmentVariable("MESH_TEST_OPERATOR") is { Length: > 0 } other
            ? other
            : Path.Combine(AppContext.BaseDirectory, "mesh-operator");
        var (grpcPort, httpPort, webhookPort) = (FreePort(), FreePort(), FreePort());
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "run", "--source", "dir:" + manifests, "--listen-address", "127.0.0.1", "--log-level", "Warning",
            "--grpc-port", Invariant(grpcPort), "--http-port", Invariant(httpPort), "--webhook-port", Invariant(webhookPort),
            "--ca-dir", Path.Combine(work, "ca"),
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"{executable} did not start");
        process.OutputDataReceived += static (_, _) => { };
        process.ErrorDataReceived += static (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var result = new OperatorProcess(process, work, grpcPort, httpPort);
        using var http = new HttpClient { BaseAddress = result.HttpAddress, Timeout = TimeSpan.FromSeconds(5) };
        await Eventually.AssertAsync(
            async () => !process.HasExited && await IsReadyAsync(http),
            "the operator process answers /readyz",
            TimeSpan.FromSeconds(60));
        return result;
    }

    /// <summary>VmRSS of the operator, in MiB.</summary>
    public double ResidentMiB()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_work, recursive: true);
    }

    private static async Task<bool> IsReadyAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync("/readyz");
            return response.IsSuccessStatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
