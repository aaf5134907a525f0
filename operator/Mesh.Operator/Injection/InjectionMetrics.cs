using System.Diagnostics.Metrics;
using Mesh.Operator.Telemetry;

namespace Mesh.Operator.Injection;

/// <summary>
/// <c>mesh_injection_total{result,entry,reason}</c> on the operator's meter; result is injected, skipped or denied, entry
/// the webhook entry that sends such a pod (<see cref="InjectionEntries"/>).
/// </summary>
internal sealed class InjectionMetrics
{
    private readonly Counter<long> _injections;

    public InjectionMetrics(IMeterFactory meterFactory)
    {
        // The factory owns and disposes the meter; it hands every caller of one name the same instance.
        var meter = meterFactory.Create(OperatorMetrics.MeterName);
        _injections = meter.CreateCounter<long>("mesh_injection_total", description: "Pods seen by the injection webhook, by result, webhook entry and reason.");
    }

    public void Record(string result, string entry, string reason)
        => _injections.Add(
            1,
            new KeyValuePair<string, object?>("result", result),
            new KeyValuePair<string, object?>("entry", entry),
            new KeyValuePair<string, object?>("reason", reason));
}
