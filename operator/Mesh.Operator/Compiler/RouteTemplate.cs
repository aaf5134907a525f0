using Mesh.Api.V1;
using Route = Mesh.Api.V1.Route;

namespace Mesh.Operator.Compiler;

/// <summary>
/// A compiled rule whose match blocks may be scoped by <c>sourceLabels</c>: a proxy gets the blocks whose selector
/// matches its labels (or that have none); a rule whose blocks all drop out is left out, as Istio does.
/// </summary>
internal sealed class RouteTemplate(Route route, IReadOnlyList<int> blockSelectors)
{
    /// <summary>The rule with every match block.</summary>
    public Route Route { get; } = route;

    /// <summary>For each match block of <see cref="Route"/>, its selector id, or -1 when it has no sourceLabels.</summary>
    public IReadOnlyList<int> BlockSelectors { get; } = blockSelectors;

    public bool IsConditional => BlockSelectors.Any(id => id >= 0);

    /// <summary>The rule as a proxy that matched the selectors in <paramref name="matched"/> sees it, or null.</summary>
    public Route? For(IReadOnlyCollection<int> matched)
    {
        if (!IsConditional)
        {
            return Route;
        }

        var scoped = Route.Clone();
        scoped.Matches.Clear();
        for (var i = 0; i < Route.Matches.Count; i++)
        {
            if (BlockSelectors[i] < 0 || matched.Contains(BlockSelectors[i]))
            {
                scoped.Matches.Add(Route.Matches[i]);
            }
        }

        return scoped.Matches.Count == 0 ? null : scoped;
    }
}
