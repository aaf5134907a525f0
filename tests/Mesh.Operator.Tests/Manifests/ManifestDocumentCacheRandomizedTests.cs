using System.Globalization;
using Mesh.Operator.Manifests;
using Xunit.Abstractions;

namespace Mesh.Operator.Tests.Manifests;

/// <summary>
/// Through random sequences of the edits users make to a multi-document file (<see cref="EditedManifestFile"/>), reading
/// each version document by document from what the earlier versions were read into gives what a fresh read of the
/// whole text gives, and a document unchanged at an unchanged line gives the very objects it gave before. The seed is
/// printed; <c>MESH_FUZZ_SEED</c> replays a run.
/// </summary>
public sealed class ManifestDocumentCacheRandomizedTests(ITestOutputHelper output)
{
    private const int Sequences = 12;
    private const int EditsPerSequence = 40;

    [Fact]
    public void Every_version_of_a_randomly_edited_file_reads_as_a_fresh_whole_read_and_unchanged_documents_keep_their_objects()
    {
        var seed = ManifestFuzz.Seed();
        output.WriteLine($"MESH_FUZZ_SEED={seed}");
        var random = new Random(seed);
        var corpus = ManifestCorpus.Documents;
        var readByDocument = 0;
        var kept = 0;
        for (var sequence = 0; sequence < Sequences; sequence++)
        {
            // Block-style documents to start with: a JSON document (inserted later) makes the file read whole.
            var yaml = corpus.Where(d => !d.StartsWith('{')).ToList();
            var file = new EditedManifestFile(Enumerable.Range(0, 20).Select(_ => yaml[random.Next(yaml.Count)]));
            var cache = new ManifestDocumentCache();
            var history = new List<string> { "the first read" };
            var previousText = file.Render();
            var previous = ManifestLoader.LoadText("edited.yaml", previousText, cache);
            for (var step = 0; step <= EditsPerSequence; step++)
            {
                var text = file.Render();
                var context = $"seed {seed}, sequence {sequence}, edit {step} ({history[^1]})";
                var read = ManifestLoader.LoadText("edited.yaml", text, cache);
                var whole = ManifestLoader.LoadText("edited.yaml", text);
                if (ManifestFuzz.FirstDifference(whole, read) is { } difference)
                {
                    output.WriteLine(ManifestFuzz.Escape(text));
                    Assert.Fail($"{context}: the per-document read differs from the whole read: {difference}; edits so far: {string.Join("; ", history)}");
                }

                var cut = ManifestDocuments.Split(text);
                Assert.True(!file.Cuttable || cut is not null, $"{context}: a file the cut handles was read whole");
                if (cut is not null && !ManifestFuzz.HasSyntaxError(read) && ManifestDocuments.Split(previousText) is { } previousCut && !ManifestFuzz.HasSyntaxError(previous))
                {
                    readByDocument++;
                    kept += AssertUnchangedDocumentsKeepTheirObjects(previousCut, previous, cut, read, context);
                }

                previousText = text;
                previous = read;
                history.Add(file.Edit(random, corpus));
            }
        }

        output.WriteLine($"{Sequences * (EditsPerSequence + 1)} versions, {readByDocument} read document by document, {kept} resources kept");
        Assert.True(readByDocument >= Sequences * EditsPerSequence / 4, $"only {readByDocument} versions were read document by document (seed {seed})");
    }

    private static int AssertUnchangedDocumentsKeepTheirObjects(
        List<(int Line, string Text)> previousCut, ManifestSet previous, List<(int Line, string Text)> cut, ManifestSet read, string context)
    {
        var kept = 0;
        var before = previousCut.ToHashSet();
        foreach (var document in cut.Where(before.Contains))
        {
            var lines = document.Text.Count(c => c == '\n');
            bool Within(LoadedResource resource) => resource.Origin.Line >= document.Line && resource.Origin.Line <= document.Line + lines;
            var objects = read.Resources.Where(Within).Select(r => r.Object).ToList();
            var earlier = previous.Resources.Where(Within).Select(r => r.Object).ToList();
            Assert.True(
                objects.Count == earlier.Count && objects.Zip(earlier).All(pair => ReferenceEquals(pair.First, pair.Second)),
                $"{context}: the document at line {document.Line.ToString(CultureInfo.InvariantCulture)} did not change but gave other objects");
            kept += objects.Count;
        }

        return kept;
    }
}
