using System.Diagnostics;
using Xunit;

namespace Mesh.Testing;

/// <summary>
/// Runs a node script of an external referee (a package nobody here wrote, installed by build/test.sh from a
/// lockfile) with input on stdin, and returns what it printed.
/// </summary>
public static class NodeScript
{
    /// <summary>The script's exit code, standard output and standard error.</summary>
    public sealed record Result(int ExitCode, string Output, string Error);

    public static async Task<Result> RunAsync(string script, string input, TimeSpan? timeout = null)
    {
        var folder = Path.GetDirectoryName(script)!;
        if (!Directory.Exists(Path.Combine(folder, "node_modules")))
        {
            Assert.Fail($"{folder}/node_modules is missing: run build/test.sh (it runs npm ci there) or npm ci in that folder.");
        }

        var start = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = folder,
        };
        start.ArgumentList.Add(script);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"node {script} did not finish in time");
        }

        return new Result(process.ExitCode, await output, await error);
    }
}
