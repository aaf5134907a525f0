using System.Diagnostics;
using System.Text.Json.Nodes;
using Mesh.Operator.Manifests;

namespace Mesh.Operator.Tests.Chart;

/// <summary>
/// The real helm binary: <c>MESH_HELM</c> when set, else the one build/install-tools.sh puts in .mesh/tools/bin
/// (build/test.sh runs it), else helm on PATH.
/// </summary>
internal static class Helm
{
    public const string Release = "mesh";

    public const string Namespace = "mesh-system";

    private static readonly Lazy<string?> Found = new(Find);

    public static string? Executable => Found.Value;

    /// <summary>Runs helm; a run that outlives <paramref name="timeout"/> (default 2 minutes) is killed and fails the test.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(Executable ?? throw new InvalidOperationException("no helm binary"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // helm must not read or write the user's configuration and repository caches.
        var home = Directory.CreateTempSubdirectory("mesh-helm-home-");
        start.Environment["HELM_CONFIG_HOME"] = Path.Combine(home.FullName, "config");
        start.Environment["HELM_CACHE_HOME"] = Path.Combine(home.FullName, "cache");
        start.Environment["HELM_DATA_HOME"] = Path.Combine(home.FullName, "data");
        try
        {
            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(2));
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"helm {string.Join(' ', start.ArgumentList)} did not finish in time");
            }

            return (process.ExitCode, await output, await error);
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }

    /// <summary><c>helm template</c> of <paramref name="chart"/> (default charts/mesh) with the CRDs; it must succeed.</summary>
    public static async Task<IReadOnlyList<JsonObject>> TemplateAsync(IEnumerable<string>? arguments = null, string? chart = null)
    {
        var (code, output, error) = await RunAsync(["template", Release, chart ?? ChartFiles.Root, "--namespace", Namespace, "--include-crds", .. arguments ?? []]);
        Assert.True(code == 0, $"helm template failed ({code}): {error}");
        return [.. YamlJsonReader.Read(output).Select(d => d.Root).OfType<JsonObject>()];
    }

    /// <summary>The one object of <paramref name="kind"/> in a rendering.</summary>
    public static JsonObject Single(this IReadOnlyList<JsonObject> rendered, string kind) =>
        rendered.Single(o => (string?)o["kind"] == kind);

    private static string? Find()
    {
        if (Environment.GetEnvironmentVariable("MESH_HELM") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        var installed = TestPaths.InRepository(".mesh", "tools", "bin", "helm");
        if (File.Exists(installed))
        {
            return installed;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "helm"))
            .FirstOrDefault(File.Exists);
    }
}
