namespace Mesh.Operator.Delta;

/// <summary>The merge walk that diffs two name-sorted lists of resources (ordinal, as the compiler sorts them).</summary>
internal static class Names
{
    /// <summary>
    /// Walks a name-sorted digest and a name-sorted list together: names only in <paramref name="from"/> go to
    /// <paramref name="removed"/>, every index of <paramref name="to"/> goes to <paramref name="visit"/> with the
    /// index <paramref name="from"/> had that name under (or -1).
    /// </summary>
    public static void Walk(SetDigest from, NameList to, List<string> removed, Action<int, int> visit)
    {
        if (ReferenceEquals(from.Names, to))
        {
            // The same names in the same order: no name needs comparing.
            for (var i = 0; i < to.Items.Length; i++)
            {
                visit(i, i);
            }

            return;
        }

        var names = from.Names.Items;
        var next = to.Items;
        int a = 0, b = 0;
        while (a < names.Length || b < next.Length)
        {
            var order = a == names.Length ? 1 : b == next.Length ? -1 : string.CompareOrdinal(names[a], next[b]);
            if (order < 0)
            {
                removed.Add(names[a++]);
            }
            else if (order == 0)
            {
                visit(a++, b++);
            }
            else
            {
                visit(-1, b++);
            }
        }
    }
}
