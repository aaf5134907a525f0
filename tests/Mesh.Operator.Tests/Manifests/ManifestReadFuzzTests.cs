using System.Diagnostics;
using System.Text;
using Mesh.Operator.Manifests;
using Xunit.Abstractions;

namespace Mesh.Operator.Tests.Manifests;

/// <summary>
/// Valid files broken byte by byte (bytes changed, YAML's indicators and line breaks inserted, ranges deleted or
/// repeated, the file cut short), read as the directory source reads a file it read before: the read never throws,
/// finishes within a deadline, and gives what a fresh whole read gives, so it loses no document the whole read keeps and
/// reports a problem whenever it gives no resources from a file with content. The seed is printed;
/// <c>MESH_FUZZ_SEED</c> replays a run.
/// </summary>
public sealed class ManifestReadFuzzTests(ITestOutputHelper output)
{
    private const int Cases = 1_000;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    private static readonly string[] Tokens =
    [
        "\n", "\r", "\r\n", ":", ": ", "- ", "-", "---", "---\n", "--- ", "...\n", "%YAML 1.2\n", "%TAG ! tag:x,2000:\n", "#", " #", "{", "}", "[", "]",
        ",", "\"", "'", "&a ", "*a", "!!str ", "!x ", "|", "|+\n", ">-\n", "? ", "\t", " ", "  ", "\u0085", "\u2028", "\u2029", "\uFEFF",
        "\0", "\u00A0", "\u3000", "\v", "\f", "\u001B", "é", "\uD83D\uDE00", "0x", "1e9", "~", "null", "<<: *a\n",
        new string('[', 1_000), new string('{', 1_000),
    ];

    [Fact]
    public async Task Files_broken_byte_by_byte_read_document_by_document_as_they_read_whole_and_never_throw_or_hang()
    {
        var seed = ManifestFuzz.Seed();
        output.WriteLine($"MESH_FUZZ_SEED={seed}");
        var random = new Random(seed);
        var files = ManifestCorpus.Files().Select(f => (f.Name, Bytes: Encoding.UTF8.GetBytes(f.Text))).ToList();
        files.Add(("all.yaml", Encoding.UTF8.GetBytes(string.Join("---\n", ManifestCorpus.Documents))));
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Cases; i++)
        {
            var (name, original) = files[random.Next(files.Count)];
            var bytes = original.ToList();
            var mutations = Enumerable.Range(0, 1 + random.Next(4)).Select(_ => Mutate(bytes, random)).ToList();
            var context = $"seed {seed}, case {i}, {name}: {string.Join("; ", mutations)}";

            // As the directory source: the file's earlier version was read into the cache, then the broken one is read.
            var cache = new ManifestDocumentCache();
            ManifestLoader.LoadText(name, Decode(original), cache);
            var text = Decode([.. bytes]);
            var read = await ReadWithinDeadlineAsync(() => ManifestLoader.LoadText(name, text, cache), text, context);
            var whole = await ReadWithinDeadlineAsync(() => ManifestLoader.LoadText(name, text), text, context);

            if (ManifestFuzz.FirstDifference(whole, read) is { } difference)
            {
                output.WriteLine(ManifestFuzz.Escape(text));
                Assert.Fail($"{context}: the per-document read differs from the whole read: {difference}");
            }

            if (read.Resources.Count == 0 && read.Problems.Count == 0)
            {
                Assert.True(YamlJsonReader.Read(text).All(d => d.Root is null), $"{context}: a file with content gave neither resources nor problems");
            }
        }

        output.WriteLine($"{Cases} cases in {clock.Elapsed.TotalSeconds:F1} s");
    }

    private async Task<ManifestSet> ReadWithinDeadlineAsync(Func<ManifestSet> read, string text, string context)
    {
        var reading = Task.Run(read);
        try
        {
            return await reading.WaitAsync(Deadline);
        }
        catch (TimeoutException)
        {
            output.WriteLine(ManifestFuzz.Escape(text));
            Assert.Fail($"{context}: the read took longer than {Deadline.TotalSeconds} s");
            throw;
        }
        catch (Exception ex) when (ex is not Xunit.Sdk.XunitException)
        {
            output.WriteLine(ManifestFuzz.Escape(text));
            Assert.Fail($"{context}: the read threw {ex}");
            throw;
        }
    }

    // As File.ReadAllText: UTF-8 unless a byte order mark says otherwise, the mark itself dropped, bad bytes replaced.
    private static string Decode(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    private static string Mutate(List<byte> bytes, Random random)
    {
        var at = random.Next(bytes.Count + 1);
        switch (random.Next(6))
        {
            case 0 when at < bytes.Count:
                var value = (byte)random.Next(256);
                bytes[at] = value;
                return $"byte {at} is 0x{value:X2}";
            case 1 or 2:
                var token = Tokens[random.Next(Tokens.Length)];
                if (random.Next(2) == 0 && at > 0)
                {
                    at = bytes.LastIndexOf((byte)'\n', at - 1) + 1;
                }

                bytes.InsertRange(at, Encoding.UTF8.GetBytes(token));
                return token.Length > 20 ? $"insert {token.Length} '{token[0]}' at {at}" : $"insert '{ManifestFuzz.Escape(token)}' at {at}";
            case 3:
                var length = Math.Min(random.Next(1, 40), bytes.Count - at);
                bytes.RemoveRange(at, length);
                return $"delete {length} bytes at {at}";
            case 4:
                var repeat = Math.Min(random.Next(1, 200), bytes.Count - at);
                bytes.InsertRange(at, bytes.GetRange(at, repeat));
                return $"repeat {repeat} bytes at {at}";
            default:
                bytes.RemoveRange(at, bytes.Count - at);
                return $"cut at {at}";
        }
    }
}
