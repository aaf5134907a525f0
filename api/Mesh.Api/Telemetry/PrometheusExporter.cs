using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text;

namespace Mesh.Api.Telemetry;

/// <summary>
/// Aggregates measurements through a <see cref="MeterListener"/> and renders them in the Prometheus text exposition
/// format (version 0.0.4): counters, gauges and histograms. prometheus-net is not available here; the proxy and the
/// operator both export through this. Instrument names are used as they are, so they carry their own suffixes
/// (<c>_total</c>, <c>_seconds</c>).
/// </summary>
public sealed class PrometheusExporter : IDisposable
{
    /// <summary>The content type of <see cref="Scrape"/>'s output.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, ExportedInstrument> _instruments = new();
    private readonly Lock _scrapeLock = new();

    /// <param name="include">Which meters to export. Several hosts may share a process (tests), so a host usually
    /// selects its own meter instance by reference rather than by name.</param>
    public PrometheusExporter(Func<Meter, bool> include)
    {
        ArgumentNullException.ThrowIfNull(include);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (include(instrument.Meter))
            {
                _instruments[instrument] = new ExportedInstrument(instrument);
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.MeasurementsCompleted = (instrument, _) => _instruments.TryRemove(instrument, out ExportedInstrument? _);
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public string Scrape()
    {
        lock (_scrapeLock)
        {
            foreach (var exported in _instruments.Values.Where(d => d.IsGauge))
            {
                exported.Series.Clear();
            }

            _listener.RecordObservableInstruments();
            var text = new StringBuilder();
            foreach (var exported in _instruments.Values.OrderBy(d => d.Instrument.Name, StringComparer.Ordinal))
            {
                exported.WriteTo(text);
            }

            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_instruments.TryGetValue(instrument, out var exported))
        {
            exported.Record(value, tags);
        }
    }
}
