using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Mesh.Testing;

namespace Mesh.Api.Tests.Grpc.Infrastructure;

/// <summary>
/// Runs the @grpc/grpc-js peers (tests/Mesh.Api.Tests/peers/grpc-js) as child processes: server.js as a
/// long-lived server, client.js once per scenario.
/// </summary>
internal static class GrpcJsPeer
{
    public static readonly TimeSpan ScenarioTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs <c>client.js ADDRESS SCENARIO</c> and returns its JSON result.</summary>
    public static async Task<JsonElement> RunClientAsync(string address, string scenario)
    {
        using var process = Start("client.js", address, scenario);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ScenarioTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"grpc-js client scenario '{scenario}' did not finish within {ScenarioTimeout.TotalSeconds} s. stderr: {await stderr}");
        }

        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"grpc-js client scenario '{scenario}' exited with {process.ExitCode}. stderr: {await stderr}");
        using var document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }

    /// <summary>Starts server.js and waits for the port it bound.</summary>
    public static async Task<GrpcJsServer> StartServerAsync()
    {
        var process = Start("server.js");
        var server = new GrpcJsServer(process);
        try
        {
            var portLine = await server.WaitForLineAsync(line => line.Contains("\"port\"", StringComparison.Ordinal), ScenarioTimeout);
            using var document = JsonDocument.Parse(portLine);
            server.Port = document.RootElement.GetProperty("port").GetInt32();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    internal static Process Start(string script, params string[] arguments)
    {
        var directory = RepositoryPaths.Combine("tests", "Mesh.Api.Tests", "peers", "grpc-js");
        if (!Directory.Exists(Path.Combine(directory, "node_modules", "@grpc", "grpc-js")))
        {
            throw new InvalidOperationException($"@grpc/grpc-js is not installed: run `npm ci` in {directory} (build/test.sh does).");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(directory, script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            return Process.Start(start) ?? throw new InvalidOperationException("node did not start.");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("`node` was not found on PATH; the gRPC interop tests need Node.js 18+.", ex);
        }
    }
}
