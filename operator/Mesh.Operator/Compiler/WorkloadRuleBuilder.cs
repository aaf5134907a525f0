using k8s;
using k8s.Models;
using Mesh.Operator.Resources;
using Mesh.Operator.Validation;

namespace Mesh.Operator.Compiler;

/// <summary>
/// Compiles the DestinationRules that have a workloadSelector into <see cref="WorkloadRules"/>: per rule, the clusters
/// of its host as the rule alone makes them (with tls.credentialName read from the Secrets of its namespace). Of two
/// rules with the same selector for one host in one namespace, the older holds it and the younger is reported.
/// </summary>
internal static class WorkloadRuleBuilder
{
    public static WorkloadRules Build(
        IReadOnlyList<DestinationRule> rules,
        ServiceRegistry registry,
        IReadOnlyCollection<(string Host, int Port)> externalDestinations,
        SecretCredentials secrets,
        Func<DestinationRule, Action<DestinationRule>, bool> compiles,
        Action<IKubernetesObject<V1ObjectMeta>, IReadOnlyCollection<Diagnostic>, bool> record)
    {
        if (rules.Count == 0)
        {
            return WorkloadRules.None;
        }

        var entries = new List<WorkloadRuleEntry>();
        var holders = new Dictionary<(string Namespace, string Selector, string Host), DestinationRule>();
        foreach (var rule in rules)
        {
            var ns = rule.Metadata.NamespaceProperty ?? "";
            var selector = rule.Spec.WorkloadSelector?.MatchLabels;
            var (host, service) = registry.Resolve(rule.Spec.Host!, ns);
            if (host.Contains('*', StringComparison.Ordinal))
            {
                continue;
            }

            if (!holders.TryAdd((ns, LabelSelector.Canonical(selector ?? []), host), rule))
            {
                var holder = holders[(ns, LabelSelector.Canonical(selector ?? []), host)];
                record(rule, [new Diagnostic(ResourceRef.Of(rule), "spec.host", DiagnosticSeverity.Warning,
                    $"host {host} is already configured for these workloads by the older DestinationRule {holder.Metadata.NamespaceProperty}/{holder.Metadata.Name} with the same workloadSelector; ignored",
                    DiagnosticCategory.Conflict)], true);
                continue;
            }

            var problems = new List<Diagnostic>();
            var credentials = new RuleCredentials(secrets, ns, (tls, error) => Problem(problems, rule, tls, error));
            compiles(rule, r =>
            {
                var clusters = service is not null
                    ? [.. ClusterBuilder.ForService(service, r, credentials)]
                    : externalDestinations.Where(d => d.Host == host).Select(d => ClusterBuilder.External(host, d.Port, r, credentials)).ToList();
                entries.Add(new WorkloadRuleEntry($"{ns}/{r.Metadata.Name}", ns, selector, host, clusters));
            });
            record(rule, problems, false);
        }

        return new WorkloadRules(entries);
    }

    // A Secret the rule cannot use leaves the rest of the rule applied (the proxies keep the material they had), so it
    // is an unresolved reference, not an invalid rule; reported once per tls section.
    private static void Problem(List<Diagnostic> problems, DestinationRule rule, ClientTlsSettings tls, string error)
    {
        var section = WorkloadSelectorRules.TlsSections(rule.Spec).FirstOrDefault(s => ReferenceEquals(s.Tls, tls)).Path ?? "spec.trafficPolicy.tls";
        var path = section + ".credentialName";
        if (!problems.Exists(p => p.Path == path))
        {
            problems.Add(new Diagnostic(ResourceRef.Of(rule), path, DiagnosticSeverity.Warning, error + "; proxies keep the material they last had", DiagnosticCategory.UnresolvedRef));
        }
    }
}
