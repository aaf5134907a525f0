namespace Mesh.Operator.Compiler;

/// <summary>
/// The distinct <c>sourceLabels</c> selectors of the mesh, numbered, so that a proxy is matched against each one
/// once and the rules that depend on them are keyed by the numbers that matched.
/// </summary>
internal sealed class SelectorTable
{
    private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
    private readonly List<IReadOnlyDictionary<string, string>> _selectors = [];
    private readonly List<string> _keys = [];

    public int Count => _selectors.Count;

    public int IdOf(IReadOnlyDictionary<string, string> selector)
    {
        var key = LabelSelector.Canonical(selector);
        if (!_ids.TryGetValue(key, out var id))
        {
            id = _selectors.Count;
            _ids.Add(key, id);
            _selectors.Add(selector);
            _keys.Add(key);
        }

        return id;
    }

    /// <summary>The selector numbered <paramref name="id"/>, canonically spelled: equal for equal selectors.</summary>
    public string KeyOf(int id) => _keys[id];

    /// <summary>Whether <paramref name="other"/> numbers the same selectors the same way.</summary>
    public bool SameAs(SelectorTable other) => _keys.SequenceEqual(other._keys, StringComparer.Ordinal);

    /// <summary>The ids of the selectors that select <paramref name="labels"/>, ascending.</summary>
    public int[] Matching(IReadOnlyDictionary<string, string> labels)
    {
        var matched = new List<int>();
        for (var i = 0; i < _selectors.Count; i++)
        {
            if (LabelSelector.Matches(_selectors[i], labels))
            {
                matched.Add(i);
            }
        }

        return [.. matched];
    }
}
