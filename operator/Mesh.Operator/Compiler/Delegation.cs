using k8s;
using k8s.Models;
using Mesh.Operator.Resources;
using Mesh.Operator.Validation;

namespace Mesh.Operator.Compiler;

/// <summary>A rule a root VirtualService compiles: its own, or one merged from a delegate, with the namespace its hosts are written in.</summary>
internal sealed record DelegatedRule(HttpRoute Rule, int RootIndex, string Namespace);

/// <summary>
/// Istio's VirtualService delegation (pilot's mergeVirtualServicesIfNeeded) over one compile's valid VirtualServices:
/// each root rule with <c>delegate</c> is replaced by its delegate's rules merged into it (<see cref="DelegateMerge"/>).
/// A delegate that is missing, invalid, has hosts, or is not exported to the root's namespace leaves that root rule
/// out (a warning on the root at <c>delegate</c>, and ResolvedRefs False). The delegate's status names its roots.
/// Being part of the compile, an edit to a delegate recompiles every root that uses it.
/// </summary>
internal static class Delegation
{
    /// <param name="all">Every VirtualService of the snapshot (to tell a missing delegate from an invalid one).</param>
    /// <param name="valid">The valid VirtualServices bound to sidecars.</param>
    /// <param name="record">Reports a diagnostic against a resource.</param>
    /// <param name="note">Adds a line to a resource's status message.</param>
    public static Dictionary<VirtualService, List<DelegatedRule>> Resolve(
        IReadOnlyList<VirtualService> all,
        IReadOnlyList<VirtualService> valid,
        Action<IKubernetesObject<V1ObjectMeta>, Diagnostic> record,
        Action<IKubernetesObject<V1ObjectMeta>, string> note)
    {
        var roots = new Dictionary<VirtualService, List<DelegatedRule>>(ReferenceEqualityComparer.Instance);
        var delegates = valid.Where(v => v.Spec.IsDelegate).ToDictionary(Key, StringComparer.Ordinal);
        var usedBy = new Dictionary<VirtualService, List<string>>(ReferenceEqualityComparer.Instance);
        foreach (var root in valid.Where(v => !v.Spec.IsDelegate && v.Spec.Http is { } http && http.Exists(r => r.Delegate is not null)))
        {
            var rootNs = root.Metadata.NamespaceProperty ?? "";
            var rules = new List<DelegatedRule>();
            for (var i = 0; i < root.Spec.Http!.Count; i++)
            {
                var rule = root.Spec.Http[i];
                if (rule.Delegate is not { } reference)
                {
                    rules.Add(new DelegatedRule(rule, i, rootNs));
                    continue;
                }

                var key = $"{(string.IsNullOrEmpty(reference.Namespace) ? rootNs : reference.Namespace)}/{reference.Name}";
                if (!delegates.TryGetValue(key, out var target) || !IsExportedTo(target, rootNs))
                {
                    record(root, new Diagnostic(ResourceRef.Of(root), $"spec.http[{i}].delegate", DiagnosticSeverity.Warning,
                        $"{Unusable(key, target, all, rootNs)}; this rule is left out", DiagnosticCategory.UnresolvedRef));
                    continue;
                }

                (usedBy.TryGetValue(target, out var users) ? users : usedBy[target] = []).Add($"{Key(root)} (spec.http[{i}])");
                var targetNs = target.Metadata.NamespaceProperty ?? "";
                for (var j = 0; j < target.Spec.Http!.Count; j++)
                {
                    if (DelegateMerge.Merge(rule, target.Spec.Http[j], rootNs) is { } merged)
                    {
                        rules.Add(new DelegatedRule(merged, i, targetNs));
                    }
                    else
                    {
                        record(target, new Diagnostic(ResourceRef.Of(target), $"spec.http[{j}].match", DiagnosticSeverity.Warning,
                            $"not within the match of root VirtualService {Key(root)} spec.http[{i}] (a delegate's uri, scheme, method, authority, header and query matches must narrow the root's: the same exact value or a prefix extending the root's, no regex); left out of that root"));
                    }
                }
            }

            roots.Add(root, rules);
        }

        foreach (var target in delegates.Values)
        {
            if (usedBy.TryGetValue(target, out var users))
            {
                note(target, "delegate of " + string.Join(", ", users));
            }
            else
            {
                record(target, new Diagnostic(ResourceRef.Of(target), "spec.hosts", DiagnosticSeverity.Warning,
                    "a VirtualService without hosts is a delegate, and no root VirtualService delegates to this one: it configures nothing"));
            }
        }

        return roots;
    }

    private static string Unusable(string key, VirtualService? target, IReadOnlyList<VirtualService> all, string rootNs)
    {
        if (target is not null)
        {
            return $"delegate VirtualService {key} is not exported to namespace {rootNs}";
        }

        return all.FirstOrDefault(v => Key(v) == key) switch
        {
            null => $"delegate VirtualService {key} not found",
            { Spec.IsDelegate: false } => $"VirtualService {key} has hosts, so it is not a delegate",
            _ => $"delegate VirtualService {key} is invalid",
        };
    }

    // Istio: no exportTo means exported everywhere; "." is the delegate's own namespace.
    private static bool IsExportedTo(VirtualService target, string ns) =>
        target.Spec.ExportTo is not { Count: > 0 } exportTo
        || exportTo.Exists(e => e == "*" || e == ns || (e == "." && target.Metadata.NamespaceProperty == ns));

    private static string Key(VirtualService vs) => $"{vs.Metadata.NamespaceProperty}/{vs.Metadata.Name}";
}
