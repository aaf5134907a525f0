using System.Diagnostics;
using System.Text.Json.Nodes;
using Mesh.Testing;

namespace Mesh.Operator.Tests.Injection;

/// <summary>
/// fast-json-patch 3.1.1 under node, an RFC 6902 implementation nobody here wrote, applying the webhook's
/// patches (peers/json-patch; build/test.sh runs <c>npm ci</c> there).
/// </summary>
internal static class JsonPatchPeer
{
    private static readonly string Folder = RepositoryPaths.Combine("tests", "Mesh.Operator.Tests", "peers", "json-patch");

    public static async Task<JsonObject> ApplyAsync(JsonObject document, JsonArray patch)
    {
        Assert.True(
            Directory.Exists(Path.Combine(Folder, "node_modules", "fast-json-patch")),
            $"fast-json-patch is not installed: run `npm ci` in {Folder}");

        var start = new ProcessStartInfo("node", [Path.Combine(Folder, "apply.js")])
        {
            WorkingDirectory = Folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(start)!;
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            var output = node.StandardOutput.ReadToEndAsync(deadline.Token);
            var errors = node.StandardError.ReadToEndAsync(deadline.Token);
            await node.StandardInput.WriteAsync(new JsonObject { ["doc"] = document.DeepClone(), ["patch"] = patch.DeepClone() }.ToJsonString());
            node.StandardInput.Close();
            await node.WaitForExitAsync(deadline.Token);
            Assert.True(node.ExitCode == 0, $"fast-json-patch refused the patch: {await errors}\npatch: {patch.ToJsonString()}");
            return JsonNode.Parse(await output)!.AsObject();
        }
        finally
        {
            if (!node.HasExited)
            {
                node.Kill();
            }
        }
    }
}
