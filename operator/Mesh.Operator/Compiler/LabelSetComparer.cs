namespace Mesh.Operator.Compiler;

/// <summary>Compares label sets by content, in any order: each compile builds its own dictionaries.</summary>
internal sealed class LabelSetComparer : IEqualityComparer<IReadOnlyDictionary<string, string>>
{
    public static LabelSetComparer Instance { get; } = new();

    public bool Equals(IReadOnlyDictionary<string, string>? x, IReadOnlyDictionary<string, string>? y) =>
        ReferenceEquals(x, y) || (x is not null && y is not null && LabelSelector.Same(x, y));

    // A sum of the pairs' hashes: equal for equal sets whatever order they enumerate in.
    public int GetHashCode(IReadOnlyDictionary<string, string> labels)
    {
        var hash = labels.Count;
        foreach (var (key, value) in labels)
        {
            hash += HashCode.Combine(key, value);
        }

        return hash;
    }
}
