using Prometheus;

namespace Mesh.Operator.Injection;

/// <summary>
/// <c>mesh_injection_total{result,entry,reason}</c> in the operator's registry; result is injected, skipped or denied,
/// entry the webhook entry that sends such a pod (<see cref="InjectionEntries"/>).
/// </summary>
internal sealed class InjectionMetrics
{
    private readonly Counter _injections;

    public InjectionMetrics(CollectorRegistry registry) =>
        _injections = Metrics.WithCustomRegistry(registry)
            .CreateCounter("mesh_injection_total", "Pods seen by the injection webhook, by result, webhook entry and reason.", "result", "entry", "reason");

    public void Record(string result, string entry, string reason) => _injections.WithLabels(result, entry, reason).Inc();
}
