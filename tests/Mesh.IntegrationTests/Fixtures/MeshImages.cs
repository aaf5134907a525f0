using System.Diagnostics;
using Mesh.Testing;

namespace Mesh.IntegrationTests.Fixtures;

/// <summary>
/// The operator and proxy images the chart installs: <c>Dockerfile.operator</c> and <c>Dockerfile.proxy</c> built once
/// per run with the <c>docker</c> CLI and imported into the suite's k3s (its containerd, with <c>ctr images
/// import</c>), so that pods run them with <c>imagePullPolicy: Never</c>; or the images a given cluster pulls.
/// </summary>
internal static class MeshImages
{
    public const string OperatorVariable = "MESH_TEST_OPERATOR_IMAGE";
    public const string ProxyVariable = "MESH_TEST_PROXY_IMAGE";

    private static readonly Lazy<Task<(string Operator, string Proxy)>> Loaded = new(LoadAsync);

    /// <summary>The two images as <c>repository:tag</c>, ready in the cluster.</summary>
    public static Task<(string Operator, string Proxy)> EnsureAsync() => Loaded.Value;

    /// <summary>Null when images can be had for the cluster; otherwise why not.</summary>
    public static string? SkipReason()
    {
        if (!ClusterSource.OwnsCluster)
        {
            return Environment.GetEnvironmentVariable(OperatorVariable) is { Length: > 0 } && Environment.GetEnvironmentVariable(ProxyVariable) is { Length: > 0 }
                ? null
                : $"with {ClusterSource.Variable}, the images the cluster can pull must be named in {OperatorVariable} and {ProxyVariable}";
        }

        return Docker() is null ? "needs the docker CLI on PATH to build Dockerfile.operator and Dockerfile.proxy" : null;
    }

    private static async Task<(string Operator, string Proxy)> LoadAsync()
    {
        if (!ClusterSource.OwnsCluster)
        {
            return (Environment.GetEnvironmentVariable(OperatorVariable)!, Environment.GetEnvironmentVariable(ProxyVariable)!);
        }

        var tag = $"it-{Guid.NewGuid():N}"[..11];
        var images = ($"mesh-operator:{tag}", $"mesh-proxy:{tag}");
        var k3s = await ClusterSource.ContainerAsync();
        foreach (var (image, dockerfile) in new[] { (images.Item1, "Dockerfile.operator"), (images.Item2, "Dockerfile.proxy") })
        {
            await RunAsync(Docker()!, ["build", "-f", RepositoryPaths.Combine(dockerfile), "-t", image, RepositoryPaths.Root], TimeSpan.FromMinutes(20));
            var archive = Path.Combine(Path.GetTempPath(), $"{image.Replace(':', '-')}.tar");
            await RunAsync(Docker()!, ["save", "-o", archive, image], TimeSpan.FromMinutes(5));
            var inside = "/tmp/" + Path.GetFileName(archive);
            await k3s.CopyAsync(await File.ReadAllBytesAsync(archive), inside);
            var imported = await k3s.ExecAsync(["ctr", "--namespace", "k8s.io", "images", "import", inside]);
            Assert.True(imported.ExitCode == 0, $"k3s could not import {image}: {imported.Stderr}");
            File.Delete(archive);
        }

        return images;
    }

    private static string? Docker() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "docker")).FirstOrDefault(File.Exists);

    internal static async Task<string> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        using var cancel = new CancellationTokenSource(timeout);
        var output = process.StandardOutput.ReadToEndAsync(cancel.Token);
        var error = process.StandardError.ReadToEndAsync(cancel.Token);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(program)} {string.Join(' ', start.ArgumentList)} did not finish within {timeout}");
        }

        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(program)} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {await error}");
        return await output;
    }
}
