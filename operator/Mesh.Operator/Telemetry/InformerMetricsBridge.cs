using System.Diagnostics.Metrics;
using Prometheus;

namespace Mesh.Operator.Telemetry;

/// <summary>
/// Counts the informers' watch errors and relists in the operator's registry. Mesh.Kubernetes is a library without a
/// metrics dependency: it reports on its <c>Mesh.Kubernetes</c> meter, and this listener copies its two counters into
/// prometheus-net counters of the same name, help and <c>resource</c> label (not prometheus-net's MeterAdapter, which
/// renames metrics). The meter is static, so every host in a process counts every informer in it, as before.
/// </summary>
internal sealed class InformerMetricsBridge : IDisposable
{
    private const string MeterName = "Mesh.Kubernetes";

    private readonly MeterListener _listener = new();
    private readonly MetricFactory _factory;

    public InformerMetricsBridge(CollectorRegistry registry)
    {
        _factory = Metrics.WithCustomRegistry(registry);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument is Counter<long> && instrument.Meter.Name == MeterName)
            {
                var counter = _factory.CreateCounter(instrument.Name, instrument.Description ?? instrument.Name, "resource");
                listener.EnableMeasurementEvents(instrument, counter);
            }
        };
        _listener.SetMeasurementEventCallback<long>(static (_, value, tags, state) =>
        {
            var resource = string.Empty;
            foreach (var tag in tags)
            {
                if (tag.Key == "resource")
                {
                    resource = tag.Value as string ?? string.Empty;
                }
            }

            ((Prometheus.Counter)state!).WithLabels(resource).Inc(value);
        });
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();
}
