using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.Fixtures;

/// <summary>
/// The built <c>mesh-proxy</c> executable as a child process, with its output lines captured; killed on dispose if the
/// test did not make it exit. By default the JIT build next to the tests (<c>dotnet mesh-proxy.dll</c>); with
/// <see cref="ExecutableVariable"/> set, that executable instead (build/test.sh: the Native AOT build that ships).
/// </summary>
public sealed class ProxyProcess : IDisposable
{
    /// <summary>Names a <c>mesh-proxy</c> executable to run instead of the JIT build.</summary>
    public const string ExecutableVariable = "MESH_TEST_PROXY_EXECUTABLE";

    /// <summary>The trait (Category) of the tests that run the executable, rerun against the native build.</summary>
    public const string Category = "ProxyExecutable";

    private readonly Process _process;

    private ProxyProcess(Process process) => _process = process;

    public ConcurrentQueue<string> Stdout { get; } = new();

    public ConcurrentQueue<string> Stderr { get; } = new();

    public int Id => _process.Id;

    /// <param name="launcher">A command the proxy runs under, e.g. <c>ip netns exec NAME</c>; none by default.</param>
    /// <param name="readStandardError">False leaves standard error unread, so its pipe fills as behind a stalled log reader.</param>
    public static ProxyProcess Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, IReadOnlyList<string>? launcher = null, bool readStandardError = true)
    {
        var command = (launcher ?? []).Concat(Command()).ToList();
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command.Skip(1).Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var proxy = new ProxyProcess(Process.Start(start)!);
        proxy._process.OutputDataReceived += (_, e) => Capture(proxy.Stdout, e.Data);
        proxy._process.ErrorDataReceived += (_, e) => Capture(proxy.Stderr, e.Data);
        proxy._process.BeginOutputReadLine();
        if (readStandardError)
        {
            proxy._process.BeginErrorReadLine();
        }

        return proxy;
    }

    /// <summary>The command line that runs <c>mesh-proxy</c>, before its own arguments.</summary>
    public static IReadOnlyList<string> Command()
    {
        var executable = Environment.GetEnvironmentVariable(ExecutableVariable);
        if (string.IsNullOrEmpty(executable))
        {
            return ["dotnet", Path.Combine(AppContext.BaseDirectory, "mesh-proxy.dll")];
        }

        return File.Exists(executable)
            ? [Path.GetFullPath(executable)]
            : throw new InvalidOperationException($"{ExecutableVariable} names '{executable}', which does not exist");
    }

    /// <summary>A loopback port free right now, for a listener the child process will bind.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string Text(int port) => port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Waits until the admin listener answers <c>/ready</c> with 200.</summary>
    public static Task WaitReadyAsync(HttpClient client, int adminPort) => Eventually.AssertAsync(
        async () =>
        {
            try
            {
                using var response = await client.GetAsync($"http://127.0.0.1:{adminPort}/ready");
                return response.StatusCode == HttpStatusCode.OK;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        },
        "the proxy reports ready",
        TimeSpan.FromSeconds(30));

    /// <summary>Waits (bounded) for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static void Capture(ConcurrentQueue<string> lines, string? line)
    {
        if (line is not null)
        {
            lines.Enqueue(line);
        }
    }
}
