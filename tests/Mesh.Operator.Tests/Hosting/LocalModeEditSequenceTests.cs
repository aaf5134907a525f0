using Grpc.Net.Client;
using k8s;
using Mesh.Api.V1;
using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;
using Mesh.Operator.Tests.ConfigServer;
using Mesh.Operator.Tests.Manifests;
using Mesh.Testing;
using Mesh.Testing.Operator;
using Xunit.Abstractions;

namespace Mesh.Operator.Tests.Hosting;

/// <summary>
/// The directory source end to end: a real operator in local mode takes every version of a file through a random
/// sequence of edits (each read document by document from what the versions before were read into), and then serves
/// the proxies what an operator started fresh on the final file serves. The seed is printed; <c>MESH_FUZZ_SEED</c>
/// replays a run.
/// </summary>
public sealed class LocalModeEditSequenceTests(ITestOutputHelper output)
{
    private const int Edits = 25;
    private const string File = "bookinfo.yaml";

    private static readonly Node[] Proxies =
    [
        new() { Id = "default/productpage-1", Namespace = "default", Labels = { ["app"] = "productpage", ["version"] = "v1" } },
        new() { Id = "default/reviews-v2", Namespace = "default", Labels = { ["app"] = "reviews", ["version"] = "v2" } },
        new() { Id = "default/ratings-1", Namespace = "default", Labels = { ["app"] = "ratings", ["version"] = "v1" } },
    ];

    [Fact]
    public async Task An_operator_that_took_every_edit_of_a_file_serves_what_an_operator_started_on_the_final_file_serves()
    {
        var seed = ManifestFuzz.Seed();
        output.WriteLine($"MESH_FUZZ_SEED={seed}");
        var random = new Random(seed);
        var bookinfo = ManifestCorpus.Example("bookinfo");
        var file = new EditedManifestFile(bookinfo);
        await using var edited = await LocalOperator.StartAsync(new Dictionary<string, string> { [File] = file.Render() });
        await Eventually.AssertAsync(() => edited.Source.HasSynced, $"seed {seed}: the operator reads its directory");
        var lastGood = Signature(ManifestLoader.LoadText(File, file.Render()).Resources.Select(r => r.Object));
        for (var step = 0; step < Edits; step++)
        {
            var edit = file.Edit(random, bookinfo);
            output.WriteLine($"edit {step}: {edit}");
            var whole = ManifestLoader.LoadText(File, await ReplaceAsync(edited, file.Render()));
            var broken = whole.Problems.Any(p => p.IsError);
            if (!broken)
            {
                lastGood = Signature(whole.Resources.Select(r => r.Object));
            }

            await AssertServesAsync(
                edited, lastGood, broken, $"seed {seed}, edit {step} ({edit}): the operator serves the file's {(broken ? "last good resources and reports its errors" : "resources")}");
        }

        // The user fixes what is left broken; both operators must then agree on every proxy's config.
        var fix = file.RemoveDocuments(text => ManifestLoader.LoadText(File, text).Problems.Any(p => p.IsError));
        var final = await ReplaceAsync(edited, file.Render());
        Assert.DoesNotContain(ManifestLoader.LoadText(File, final).Problems, p => p.IsError);
        await using var fresh = await LocalOperator.StartAsync(new Dictionary<string, string> { [File] = final });
        await Eventually.AssertAsync(() => fresh.Source.HasSynced, $"seed {seed}: the fresh operator reads its directory");
        var expected = Signature(fresh.Source.Current.All());
        await AssertServesAsync(edited, expected, broken: false, $"seed {seed}, {fix}: the edited operator takes the final file");

        using var editedChannel = GrpcChannel.ForAddress(edited.GrpcAddress);
        using var freshChannel = GrpcChannel.ForAddress(fresh.GrpcAddress);
        foreach (var node in Proxies)
        {
            var want = await ConfigAsync(freshChannel, fresh, node, _ => true, $"seed {seed}: the fresh operator's config");
            await ConfigAsync(editedChannel, edited, node, config => config.Equals(want), $"seed {seed}: the edited operator's config equals the fresh operator's");
            output.WriteLine($"{node.Id}: {want.VirtualHosts.Count} virtual hosts, {want.Clusters.Count} clusters alike");
        }
    }

    private async Task AssertServesAsync(LocalOperator local, List<string> resources, bool broken, string because)
    {
        try
        {
            await Eventually.AssertAsync(
                () => Signature(local.Source.Current.All()).SequenceEqual(resources) && (local.Source.Problems.Count > 0) == broken, because);
        }
        catch (Xunit.Sdk.XunitException)
        {
            var served = Signature(local.Source.Current.All());
            output.WriteLine($"problems: {string.Join("; ", local.Source.Problems)}");
            output.WriteLine($"missing: {string.Join("\n", resources.Except(served))}");
            output.WriteLine($"extra: {string.Join("\n", served.Except(resources))}");
            output.WriteLine(ManifestFuzz.Escape(System.IO.File.ReadAllText(Path.Combine(local.Directory, File))));
            throw;
        }
    }

    // As editors and kubectl-style tools save: a new file renamed over the old, taken as soon as it appears. Returns
    // the text as the operator reads it (without a BOM).
    private static async Task<string> ReplaceAsync(LocalOperator local, string text)
    {
        var temporary = Path.Combine(local.Directory, "." + File + ".tmp");
        await System.IO.File.WriteAllTextAsync(temporary, text);
        var read = await System.IO.File.ReadAllTextAsync(temporary);
        System.IO.File.Move(temporary, Path.Combine(local.Directory, File), overwrite: true);
        return read;
    }

    /// <summary>The config the operator pushes to <paramref name="node"/>, waiting through pushes until one fits.</summary>
    private static async Task<ProxyConfig> ConfigAsync(GrpcChannel channel, LocalOperator local, Node node, Func<ProxyConfig, bool> fits, string because)
    {
        using var proxy = await FakeProxyStream.OpenAsync(channel, new ConfigRequest { Node = node }, local.Credentials());
        try
        {
            while (true)
            {
                var response = await proxy.ReceiveAsync();
                await proxy.AckAsync(response);
                if (fits(response.Config))
                {
                    return response.Config;
                }
            }
        }
        catch (TimeoutException)
        {
            Assert.Fail($"{node.Id}: no push within the stream's patience: {because}");
            throw;
        }
    }

    private static List<string> Signature(IEnumerable<IKubernetesObject<k8s.Models.V1ObjectMeta>> objects) =>
        [.. objects.Select(o => KubernetesJson.Serialize(o)).Order(StringComparer.Ordinal)];
}
