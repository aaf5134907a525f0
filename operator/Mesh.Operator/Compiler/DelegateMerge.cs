using Mesh.Operator.Resources;

namespace Mesh.Operator.Compiler;

/// <summary>
/// Istio's merge of a root rule with one rule of its delegate (pilot's mergeHTTPRoute): each of the delegate's match
/// blocks must lie within one of the root's (a longer or equal uri prefix, an equal exact value, no regex on either
/// side, no differing port or ignoreUriCase); it is merged with every root block it lies within, and a delegate rule
/// with a block that lies within none is dropped. Policies the delegate rule leaves unset come from the root rule.
/// </summary>
internal static class DelegateMerge
{
    /// <summary>The merged rule, or null when the delegate rule's matches conflict with the root's.</summary>
    public static HttpRoute? Merge(HttpRoute root, HttpRoute sub, string rootNamespace)
    {
        if (MergeMatches(root.Match, sub.Match) is not { } matches)
        {
            return null;
        }

        // A rule that answers by itself (redirect, directResponse) takes no forwarding policy from the root.
        var forwards = sub.Redirect is null && sub.DirectResponse is null;
        var inheritsMirror = forwards && sub.Mirror is null && sub.Mirrors is null;
        return new HttpRoute
        {
            Name = Joined(root.Name, sub.Name),
            Match = matches,
            Route = sub.Route,
            Redirect = sub.Redirect,
            DirectResponse = sub.DirectResponse,
            Rewrite = sub.Rewrite ?? (forwards ? root.Rewrite : null),
            Timeout = sub.Timeout ?? (forwards ? root.Timeout : null),
            Retries = sub.Retries ?? (forwards ? root.Retries : null),
            Fault = sub.Fault ?? (forwards ? root.Fault : null),
            Mirror = inheritsMirror ? Qualified(root.Mirror, rootNamespace) : sub.Mirror,
            MirrorPercentage = sub.MirrorPercentage ?? (inheritsMirror ? root.MirrorPercentage : null),
            MirrorPercent = sub.MirrorPercent ?? (inheritsMirror ? root.MirrorPercent : null),
            Mirrors = inheritsMirror ? root.Mirrors?.Select(m => new HttpMirrorPolicy { Destination = Qualified(m.Destination, rootNamespace), Percentage = m.Percentage }).ToList() : sub.Mirrors,
            CorsPolicy = sub.CorsPolicy ?? root.CorsPolicy,
            Headers = sub.Headers ?? root.Headers,
        };
    }

    /// <summary>The merged match blocks, or null on a conflict. No blocks on one side: the other side's.</summary>
    public static List<HttpMatchRequest>? MergeMatches(List<HttpMatchRequest>? root, List<HttpMatchRequest>? sub)
    {
        if (root is not { Count: > 0 })
        {
            return sub;
        }

        if (sub is not { Count: > 0 })
        {
            return root;
        }

        var merged = new List<HttpMatchRequest>();
        foreach (var leaf in sub)
        {
            var within = false;
            foreach (var outer in root)
            {
                if (!Conflicts(outer, leaf))
                {
                    merged.Add(MergeMatch(outer, leaf));
                    within = true;
                }
            }

            if (!within)
            {
                return null;
            }
        }

        return merged;
    }

    private static HttpMatchRequest MergeMatch(HttpMatchRequest root, HttpMatchRequest leaf) => new()
    {
        Name = Joined(root.Name, leaf.Name),
        Uri = leaf.Uri ?? root.Uri,
        Scheme = leaf.Scheme ?? root.Scheme,
        Method = leaf.Method ?? root.Method,
        Authority = leaf.Authority ?? root.Authority,
        Headers = Union(root.Headers, leaf.Headers),
        WithoutHeaders = Union(root.WithoutHeaders, leaf.WithoutHeaders),
        QueryParams = Union(root.QueryParams, leaf.QueryParams),
        Port = leaf.Port is > 0 ? leaf.Port : root.Port,
        IgnoreUriCase = leaf.IgnoreUriCase,

        // A delegate may not set these (validation): the root's scope its blocks.
        SourceLabels = root.SourceLabels,
        Gateways = root.Gateways,
    };

    private static bool Conflicts(HttpMatchRequest root, HttpMatchRequest leaf)
    {
        if (Conflicts(root.Uri, leaf.Uri) || Conflicts(root.Scheme, leaf.Scheme) || Conflicts(root.Method, leaf.Method) || Conflicts(root.Authority, leaf.Authority))
        {
            return true;
        }

        if (Conflicts(root.Headers, leaf.Headers) || Conflicts(root.WithoutHeaders, leaf.WithoutHeaders) || Conflicts(root.QueryParams, leaf.QueryParams))
        {
            return true;
        }

        return (root.IgnoreUriCase ?? false) != (leaf.IgnoreUriCase ?? false)
            || (root.Port is > 0 && leaf.Port is > 0 && root.Port != leaf.Port);
    }

    private static bool Conflicts(Dictionary<string, StringMatchSpec>? root, Dictionary<string, StringMatchSpec>? leaf) =>
        leaf is not null && leaf.Any(pair => Conflicts(root?.GetValueOrDefault(pair.Key), pair.Value));

    // Whether the leaf's condition can hold where the root's does not (absent on either side: no conflict).
    private static bool Conflicts(StringMatchSpec? root, StringMatchSpec? leaf)
    {
        if (root is null || leaf is null)
        {
            return false;
        }

        if (!string.IsNullOrEmpty(root.Regex) || !string.IsNullOrEmpty(leaf.Regex))
        {
            return true;
        }

        if (!string.IsNullOrEmpty(root.Exact))
        {
            return !string.IsNullOrEmpty(leaf.Prefix) || leaf.Exact != root.Exact;
        }

        if (!string.IsNullOrEmpty(root.Prefix))
        {
            var value = !string.IsNullOrEmpty(leaf.Prefix) ? leaf.Prefix : leaf.Exact;
            return string.IsNullOrEmpty(value) || !value.StartsWith(root.Prefix, StringComparison.Ordinal);
        }

        return true;
    }

    private static Dictionary<string, StringMatchSpec>? Union(Dictionary<string, StringMatchSpec>? root, Dictionary<string, StringMatchSpec>? leaf)
    {
        if (root is not { Count: > 0 } && leaf is not { Count: > 0 })
        {
            return leaf ?? root;
        }

        var union = new Dictionary<string, StringMatchSpec>(root ?? [], StringComparer.Ordinal);
        foreach (var (key, value) in leaf ?? [])
        {
            union[key] = value;
        }

        return union;
    }

    private static string? Joined(string? root, string? sub) =>
        string.IsNullOrEmpty(sub) ? root : string.IsNullOrEmpty(root) ? sub : root + "-" + sub;

    // The delegate's rules resolve short hosts in the delegate's namespace; what comes from the root, in the root's.
    private static Destination? Qualified(Destination? destination, string ns) =>
        destination?.Host is { } host && !host.Contains('.', StringComparison.Ordinal)
            ? new Destination { Host = HostNames.Fqdn(host.ToLowerInvariant(), ns), Subset = destination.Subset, Port = destination.Port }
            : destination;
}
