using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Mesh.Operator.Manifests;

namespace Mesh.Benchmarks.Manifests;

/// <summary>
/// The directory source's re-read of a rewritten 2,000-WorkloadEntry file: the cut into documents alone, and the whole
/// re-read when one entry's port changed (the cut, one document parsed, 1,999 taken from the cache).
/// </summary>
[MemoryDiagnoser]
public class ManifestRereadBenchmarks
{
    private const int Entries = 2_000;
    private readonly ManifestDocumentCache _cache = new();
    private string _text = null!;
    private string _edited = null!;
    private bool _next;

    [GlobalSetup]
    public void Setup()
    {
        _text = Workloads(editedPort: 9080);
        _edited = Workloads(editedPort: 9090);
        ManifestLoader.LoadText("workloads.yaml", _text, _cache);
    }

    [Benchmark]
    public int Cut() => ManifestDocuments.Split(_edited)!.Count;

    [Benchmark]
    public int RereadOneEditedEntry()
    {
        // Alternates between the two versions, so each read finds one document changed.
        _next = !_next;
        return ManifestLoader.LoadText("workloads.yaml", _next ? _edited : _text, _cache).Resources.Count;
    }

    private static string Workloads(int editedPort)
    {
        var text = new StringBuilder();
        for (var i = 0; i < Entries; i++)
        {
            var port = i == Entries / 2 ? editedPort : 9080;
            text.Append(CultureInfo.InvariantCulture, $$"""
                apiVersion: mesh.io/v1alpha1
                kind: WorkloadEntry
                metadata:
                  name: w{{i}}
                  namespace: default
                spec:
                  address: 10.0.{{i / 250}}.{{i % 250}}
                  ports: {http: {{port}}}
                  labels: {app: a{{i % 50}}, version: v1}
                ---

                """);
        }

        return text.ToString();
    }
}
