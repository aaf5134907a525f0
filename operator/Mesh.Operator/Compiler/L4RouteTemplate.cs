using Mesh.Api.V1;

namespace Mesh.Operator.Compiler;

/// <summary>
/// A compiled tcp or tls rule whose match blocks may be scoped to some proxies (by <c>sourceLabels</c> and
/// <c>sourceNamespace</c>): a proxy gets the blocks in its scope; a rule whose blocks all drop out is left out, as
/// Istio does. A rule without blocks matches every connection of every proxy.
/// </summary>
internal sealed class L4RouteTemplate(L4Route route, IReadOnlyList<L4BlockScope> scopes)
{
    public L4Route Route { get; } = route;

    public IReadOnlyList<L4BlockScope> Scopes { get; } = scopes;

    public bool IsConditional => Scopes.Any(s => !s.IsUnscoped);

    public L4Route? For(string ns, IReadOnlyCollection<int> matched)
    {
        if (!IsConditional)
        {
            return Route;
        }

        var scoped = Route.Clone();
        scoped.Matches.Clear();
        for (var i = 0; i < Route.Matches.Count; i++)
        {
            if (Scopes[i].Includes(ns, matched))
            {
                scoped.Matches.Add(Route.Matches[i]);
            }
        }

        return scoped.Matches.Count == 0 ? null : scoped;
    }
}

/// <summary>Which proxies one match block applies to: a sourceLabels selector id (-1: any) and a namespace (null: any).</summary>
internal readonly record struct L4BlockScope(int Selector, string? Namespace)
{
    public bool IsUnscoped => Selector < 0 && Namespace is null;

    public bool Includes(string ns, IReadOnlyCollection<int> matched) =>
        (Selector < 0 || matched.Contains(Selector)) && (Namespace is null || Namespace == ns);
}
