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
    /// Walks two name-sorted lists together: names only in <paramref name="from"/> go to <paramref name="removed"/>,
    /// every item of <paramref name="to"/> goes to <paramref name="visit"/> with what <paramref name="from"/> had under
    /// its name (or null).
    /// </summary>
    public static void Walk<T>(IReadOnlyList<T> from, IReadOnlyList<T> to, Func<T, string> nameOf, List<string> removed, Action<T?, T> visit)
        where T : class
    {
        int i = 0, j = 0;
        while (i < from.Count || j < to.Count)
        {
            var order = i == from.Count ? 1 : j == to.Count ? -1 : string.CompareOrdinal(nameOf(from[i]), nameOf(to[j]));
            if (order < 0)
            {
                removed.Add(nameOf(from[i++]));
            }
            else if (order == 0)
            {
                visit(from[i++], to[j++]);
            }
            else
            {
                visit(null, to[j++]);
            }
        }
    }
}
