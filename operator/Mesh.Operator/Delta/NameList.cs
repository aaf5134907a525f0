namespace Mesh.Operator.Delta;

/// <summary>
/// The names of a set's resources in order. Sets of the same resources share one instance (within a compile, and
/// from one compile to the next through <see cref="SameAs"/>), so a diff between them compares versions index by
/// index instead of walking names, and the order is checked once. Immutable.
/// </summary>
internal sealed class NameList
{
    public NameList(string[] items)
    {
        Items = items;
        Sorted = true;
        for (var i = 1; i < items.Length && Sorted; i++)
        {
            Sorted = string.CompareOrdinal(items[i - 1], items[i]) < 0;
        }
    }

    public string[] Items { get; }

    /// <summary>Names strictly ascending (ordinal), which a delta needs.</summary>
    public bool Sorted { get; }

    public static NameList Of<T>(IReadOnlyList<T> items, Func<T, string> nameOf)
    {
        var names = new string[items.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = nameOf(items[i]);
        }

        return new NameList(names);
    }

    /// <summary><paramref name="previous"/> when it lists the same names, else this.</summary>
    public NameList SameAs(NameList? previous) =>
        previous is not null && previous.Items.AsSpan().SequenceEqual(Items) ? previous : this;
}
