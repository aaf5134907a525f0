namespace Mesh.Proxy.Balancing;

/// <summary>
/// A locality, "region/zone/subzone" as Istio writes it. The proxy's own comes from its workload's labels (the
/// <c>--labels</c> flag): <c>topology.kubernetes.io/region</c>, <c>topology.kubernetes.io/zone</c>,
/// <c>topology.istio.io/subzone</c>.
/// </summary>
internal sealed record ProxyLocality(string Region, string Zone, string Subzone)
{
    public static readonly ProxyLocality None = new("", "", "");

    public bool IsKnown => Region.Length > 0;

    public static ProxyLocality FromLabels(IReadOnlyDictionary<string, string> labels) => new(
        labels.GetValueOrDefault("topology.kubernetes.io/region") ?? "",
        labels.GetValueOrDefault("topology.kubernetes.io/zone") ?? "",
        labels.GetValueOrDefault("topology.istio.io/subzone") ?? "");

    public static ProxyLocality Parse(string text)
    {
        var parts = text.Split('/', 3);
        return new ProxyLocality(parts[0], parts.Length > 1 ? parts[1] : "", parts.Length > 2 ? parts[2] : "");
    }

    /// <summary>Whether this locality is within <paramref name="pattern"/>: "region/zone/subzone", where a last part "*" matches any rest.</summary>
    public bool IsIn(string pattern)
    {
        var text = ToString();
        if (pattern == "*")
        {
            return true;
        }

        if (pattern.EndsWith("/*", StringComparison.Ordinal))
        {
            var prefix = pattern[..^2];
            return text == prefix || (text.Length > prefix.Length && text.StartsWith(prefix, StringComparison.Ordinal) && text[prefix.Length] == '/');
        }

        return text == pattern;
    }

    public override string ToString() => Subzone.Length > 0 ? $"{Region}/{Zone}/{Subzone}" : Zone.Length > 0 ? $"{Region}/{Zone}" : Region;
}
