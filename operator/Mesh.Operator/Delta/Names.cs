namespace Mesh.Operator.Delta;

/// <summary>Name order of resources (ordinal, as the compiler sorts them) and the merge walk that diffs two lists.</summary>
internal static class Names
{
    public static bool AreSorted<T>(IReadOnlyList<T> items, Func<T, string> nameOf)
    {
        for (var i = 1; i < items.Count; i++)
        {
            if (string.CompareOrdinal(nameOf(items[i - 1]), nameOf(items[i])) >= 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Walks a name-sorted digest and a name-sorted list together: names only in <paramref name="from"/> go to
    /// <paramref name="removed"/>, every item of <paramref name="to"/> goes to <paramref name="visit"/> with the index
    /// <paramref name="from"/> had it under (or -1).
    /// </summary>
    public static void Walk<T>(SetDigest from, IReadOnlyList<T> to, Func<T, string> nameOf, List<string> removed, Action<int, T> visit)
    {
        var names = from.Names;
        int i = 0, j = 0;
        while (i < names.Length || j < to.Count)
        {
            var order = i == names.Length ? 1 : j == to.Count ? -1 : string.CompareOrdinal(names[i], nameOf(to[j]));
            if (order < 0)
            {
                removed.Add(names[i++]);
            }
            else if (order == 0)
            {
                visit(i++, to[j++]);
            }
            else
            {
                visit(-1, to[j++]);
            }
        }
    }
}
