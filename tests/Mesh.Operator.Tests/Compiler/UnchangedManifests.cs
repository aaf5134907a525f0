using k8s;
using k8s.Models;
using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>
/// Snapshots of manifest texts in which, as with the sources, a manifest whose text did not change keeps its objects
/// from one snapshot to the next, so that a compile given the one before it can take over what they gave.
/// </summary>
internal sealed class UnchangedManifests
{
    private readonly Dictionary<string, IReadOnlyList<IKubernetesObject<V1ObjectMeta>>> _loaded = new(StringComparer.Ordinal);

    public MeshSnapshot Snapshot(IEnumerable<string> texts) => MeshSnapshot.From(texts.SelectMany(Load));

    private IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Load(string text)
    {
        if (!_loaded.TryGetValue(text, out var objects))
        {
            var set = ManifestLoader.LoadText("test.yaml", text);
            Assert.Empty(set.Problems);
            _loaded[text] = objects = [.. set.Resources.Select(r => r.Object)];
        }

        return objects;
    }
}
