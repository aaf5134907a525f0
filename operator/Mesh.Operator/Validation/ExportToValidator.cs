namespace Mesh.Operator.Validation;

/// <summary>
/// Istio's <c>exportTo</c> rules: each entry is <c>.</c> (this namespace), <c>*</c> (all) or a namespace name, no
/// duplicates (<c>.</c> and the resource's own namespace are one), and <c>*</c> alone.
/// </summary>
internal static class ExportToValidator
{
    public static void Validate(DiagnosticBag bag, List<string>? exportTo, string ns, string path)
    {
        if (exportTo is not { Count: > 0 })
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < exportTo.Count; i++)
        {
            var entry = exportTo[i];
            var itemPath = $"{path}[{i}]";
            if (entry is not ("." or "*") && (entry is null || !DnsNames.IsLabel(entry)))
            {
                bag.Error(itemPath, $"'{entry}' is not '.', '*' or a namespace name");
            }
            else if (!seen.Add(entry == "." ? ns : entry))
            {
                bag.Error(itemPath, $"duplicate exportTo entry '{entry}'");
            }
        }

        if (seen.Contains("*") && exportTo.Count > 1)
        {
            bag.Error(path, "'*' (every namespace) cannot be combined with other entries");
        }
    }
}
