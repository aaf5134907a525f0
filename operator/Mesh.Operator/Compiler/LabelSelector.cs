namespace Mesh.Operator.Compiler;

/// <summary>Equality-based label selection, as Services, subsets and policy selectors use it.</summary>
internal static class LabelSelector
{
    /// <summary>True when every selector label is present with the same value (an empty selector selects all).</summary>
    public static bool Matches(IReadOnlyDictionary<string, string>? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is null)
        {
            return true;
        }

        // The compiler calls this per endpoint and subset: enumerate a Dictionary without boxing its enumerator.
        if (selector is Dictionary<string, string> dictionary)
        {
            foreach (var (key, value) in dictionary)
            {
                if (!labels.TryGetValue(key, out var actual) || actual != value)
                {
                    return false;
                }
            }

            return true;
        }

        foreach (var (key, value) in selector)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether two selectors select the same labels (null and empty both select all).</summary>
    public static bool Same(IReadOnlyDictionary<string, string>? a, IReadOnlyDictionary<string, string>? b)
    {
        if ((a?.Count ?? 0) != (b?.Count ?? 0))
        {
            return false;
        }

        return a is null || b is null || Matches(a, b);
    }

    /// <summary>A canonical spelling (sorted <c>k=v</c> pairs) for use as a dictionary key.</summary>
    public static string Canonical(IReadOnlyDictionary<string, string> labels) =>
        string.Join(",", labels.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value));
}
