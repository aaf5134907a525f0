using Prometheus;

namespace Mesh.Operator.Injection;

/// <summary><c>mesh_injection_total{result,reason}</c> in the operator's registry; result is injected, skipped or denied.</summary>
internal sealed class InjectionMetrics
{
    private readonly Counter _injections;

    public InjectionMetrics(CollectorRegistry registry) =>
        _injections = Metrics.WithCustomRegistry(registry)
            .CreateCounter("mesh_injection_total", "Pods seen by the injection webhook, by result and reason.", "result", "reason");

    public void Record(string result, string reason) => _injections.WithLabels(result, reason).Inc();
}
