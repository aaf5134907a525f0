using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Api.V1;
using Mesh.Operator.Cli;
using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;
using Mesh.Operator.Validation;
using Xunit.Abstractions;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>
/// Issue 17's fuzz test: random deletions, nulls and type changes applied to one resource of the bookinfo example.
/// Whatever the edit, reading, analyzing, compiling and assembling every proxy's config never throw, the edited resource
/// is reported when it is left out, and every resource the edit cannot affect ships as before. The seed is printed;
/// <c>MESH_FUZZ_SEED</c> replays a run and <c>MESH_FUZZ_CASES</c> changes how many cases run.
/// </summary>
public sealed class BookinfoFuzzTests(ITestOutputHelper output)
{
    private static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(60);

    private static readonly Node[] Proxies =
    [
        new() { Id = "productpage", Namespace = "default", Labels = { ["app"] = "productpage" }, ServiceAccount = "productpage" },
        new() { Id = "reviews-v1", Namespace = "default", Labels = { ["app"] = "reviews", ["version"] = "v1" }, ServiceAccount = "reviews" },
        new() { Id = "ratings", Namespace = "default", Labels = { ["app"] = "ratings" } },
    ];

    [Fact]
    public void No_edit_to_one_resource_can_crash_the_compile_or_stop_the_others_from_shipping()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("MESH_FUZZ_SEED"), CultureInfo.InvariantCulture, out var fixedSeed)
            ? fixedSeed
            : Random.Shared.Next();
        var cases = int.TryParse(Environment.GetEnvironmentVariable("MESH_FUZZ_CASES"), CultureInfo.InvariantCulture, out var n) ? n : 2000;
        output.WriteLine($"MESH_FUZZ_SEED={seed} MESH_FUZZ_CASES={cases}");

        var documents = YamlJsonReader.Read(NullSectionTests.Bookinfo.Text).Where(d => d.Root is JsonObject).Select(d => d.Root!.AsObject()).ToList();
        var baseline = Run(documents, -1, seed, 0);
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        var ran = 0;
        for (; ran < cases && clock.Elapsed < TimeBudget; ran++)
        {
            var mutated = documents.Select(d => d.DeepClone().AsObject()).ToList();
            var target = random.Next(mutated.Count);
            var edits = Mutator.Apply(mutated[target], random, 1 + random.Next(3));
            var outcome = Run(mutated, target, seed, ran, edits);
            CheckTheRestShips(baseline, outcome, documents[target], mutated[target], (seed, ran, target, edits));
        }

        output.WriteLine($"{ran} cases in {clock.Elapsed.TotalSeconds:F1} s");
        Assert.True(ran >= Math.Min(cases, 200), $"only {ran} cases ran within {TimeBudget} (seed {seed})");
    }

    private static Outcome Run(List<JsonObject> documents, int target, int seed, int index, string edits = "")
    {
        var text = string.Join("\n---\n", documents.Select(d => d.ToJsonString(new JsonSerializerOptions { WriteIndented = true })));
        try
        {
            var set = ManifestLoader.LoadText("bookinfo.yaml", text);
            var compiled = MeshCompiler.Compile(set.ToSnapshot());
            var lines = ProblemFormatter.FormatAll(set, compiled.Diagnostics);
            foreach (var proxy in Proxies)
            {
                _ = compiled.ConfigFor(proxy).ToProxyConfig().CalculateSize();
            }

            return new Outcome(set, compiled, lines);
        }
        catch (Exception ex)
        {
            Assert.Fail($"case {index} (seed {seed}, document {target}: {edits}) threw {ex}");
            throw;
        }
    }

    private static void CheckTheRestShips(Outcome baseline, Outcome outcome, JsonObject original, JsonObject mutated, (int Seed, int Index, int Target, string Edits) run)
    {
        var where = $"case {run.Index} (seed {run.Seed}, document {run.Target}: {run.Edits})";
        var edited = Identity(original);

        // A resource the edit left out is reported: by the reader, or by a result with an error (a renamed one is not left out).
        if (Identity(mutated) == edited &&
            !outcome.Compiled.Results.Any(r => r.Resource == edited && r.IsAccepted) &&
            baseline.Compiled.Results.Any(r => r.Resource == edited && r.IsAccepted))
        {
            Assert.True(
                outcome.Set.Problems.Any(p => p.IsError) || outcome.Compiled.Results.Any(r => !r.IsAccepted && r.Diagnostics.Any(d => d.IsError)),
                $"{where}: {edited} was left out without a report");
            Assert.Contains(outcome.Lines, l => l.IsError);
        }

        // Mesh resources of another kind than the edited one, and that refer to nothing of it, are unaffected.
        foreach (var before in baseline.Compiled.Results.Where(r => r.IsAccepted && r.Resource != edited && Independent(r.Resource, edited)))
        {
            Assert.True(
                outcome.Compiled.Results.Any(r => r.Resource == before.Resource && r.IsAccepted),
                $"{where}: {before.Resource} was accepted before and is not now: {string.Join(" | ", outcome.Compiled.Results.Where(r => r.Resource == before.Resource).SelectMany(r => r.Diagnostics))}");
        }
    }

    // A VirtualService depends on Services and DestinationRules; a DestinationRule on Services; policies on workloads.
    private static bool Independent(ResourceRef resource, ResourceRef edited) => (resource.Kind, edited.Kind) switch
    {
        (_, "Service" or "Pod" or "EndpointSlice" or "WorkloadEntry") => resource.Kind is not ("VirtualService" or "DestinationRule" or "MeshPolicy"),
        ("VirtualService", "DestinationRule") => false,
        _ => true,
    };

    private static ResourceRef Identity(JsonObject document)
    {
        var metadata = document["metadata"] as JsonObject;
        return new ResourceRef(
            (document["kind"] as JsonValue)?.TryGetValue<string>(out var kind) == true ? kind : "",
            (metadata?["namespace"] as JsonValue)?.TryGetValue<string>(out var ns) == true ? ns : "default",
            (metadata?["name"] as JsonValue)?.TryGetValue<string>(out var name) == true ? name : "");
    }

    private sealed record Outcome(ManifestSet Set, CompiledMesh Compiled, IReadOnlyList<(string Line, bool IsError)> Lines);
}
