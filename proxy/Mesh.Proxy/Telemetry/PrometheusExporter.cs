using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Mesh.Proxy.Telemetry;

/// <summary>
/// Aggregates the proxy meter's measurements through a <see cref="MeterListener"/> and renders them in the
/// Prometheus text exposition format (version 0.0.4): counters, histograms and gauges.
/// </summary>
internal sealed class PrometheusExporter : IDisposable
{
    private static readonly double[] Buckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, InstrumentData> _instruments = new();
    private readonly Lock _scrapeLock = new();

    public PrometheusExporter(ProxyMetrics metrics)
    {
        var meter = metrics.Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            // Several proxies may share a process (tests); each exports only its own meter instance.
            if (ReferenceEquals(instrument.Meter, meter))
            {
                _instruments[instrument] = new InstrumentData(instrument);
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public string Scrape()
    {
        lock (_scrapeLock)
        {
            foreach (var data in _instruments.Values.Where(d => d.IsGauge))
            {
                data.Series.Clear();
            }

            _listener.RecordObservableInstruments();
            var text = new StringBuilder();
            foreach (var data in _instruments.Values.OrderBy(d => d.Instrument.Name, StringComparer.Ordinal))
            {
                data.WriteTo(text);
            }

            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_instruments.TryGetValue(instrument, out var data))
        {
            data.Record(value, tags);
        }
    }

    private sealed class InstrumentData
    {
        [ThreadStatic]
        private static string[]? _scratch;

        public InstrumentData(Instrument instrument)
        {
            Instrument = instrument;
            IsGauge = instrument is ObservableGauge<long> or ObservableGauge<double>;
            IsHistogram = instrument is Histogram<double> or Histogram<long>;
        }

        public Instrument Instrument { get; }

        public bool IsGauge { get; }

        public bool IsHistogram { get; }

        public ConcurrentDictionary<LabelSet, Series> Series { get; } = new();

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            // The lookup key is built in a per-thread scratch array; only a new label combination allocates.
            var scratch = _scratch is { } s && s.Length == tags.Length * 2 ? s : _scratch = new string[tags.Length * 2];
            for (var i = 0; i < tags.Length; i++)
            {
                scratch[2 * i] = tags[i].Key;
                scratch[(2 * i) + 1] = tags[i].Value as string ?? Convert.ToString(tags[i].Value, CultureInfo.InvariantCulture) ?? string.Empty;
            }

            var probe = new LabelSet(scratch);
            if (!Series.TryGetValue(probe, out var series))
            {
                series = Series.GetOrAdd(new LabelSet((string[])scratch.Clone()), _ => new Series(IsHistogram ? Buckets.Length + 1 : 0));
            }

            if (IsHistogram)
            {
                series.Observe(value, Buckets);
            }
            else if (IsGauge)
            {
                series.Set(value);
            }
            else
            {
                series.Add(value);
            }
        }

        public void WriteTo(StringBuilder text)
        {
            var name = Instrument.Name;
            var type = IsHistogram ? "histogram" : IsGauge ? "gauge" : "counter";
            if (Instrument.Description is { Length: > 0 } help)
            {
                text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
            }

            text.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach (var (labels, series) in Series.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal))
            {
                if (!IsHistogram)
                {
                    text.Append(name);
                    labels.WriteTo(text, null);
                    text.Append(' ').Append(Format(series.Value)).Append('\n');
                    continue;
                }

                long cumulative = 0;
                for (var b = 0; b <= Buckets.Length; b++)
                {
                    cumulative += series.BucketCount(b);
                    text.Append(name).Append("_bucket");
                    labels.WriteTo(text, b < Buckets.Length ? Format(Buckets[b]) : "+Inf");
                    text.Append(' ').Append(cumulative).Append('\n');
                }

                text.Append(name).Append("_sum");
                labels.WriteTo(text, null);
                text.Append(' ').Append(Format(series.Value)).Append('\n');
                text.Append(name).Append("_count");
                labels.WriteTo(text, null);
                text.Append(' ').Append(cumulative).Append('\n');
            }
        }

        private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>One label combination's value (counter, gauge) or sum and buckets (histogram).</summary>
    private sealed class Series(int bucketCount)
    {
        private readonly long[] _buckets = new long[bucketCount];
        private double _value;

        public double Value => Volatile.Read(ref _value);

        public long BucketCount(int index) => Interlocked.Read(ref _buckets[index]);

        public void Set(double value) => Volatile.Write(ref _value, value);

        public void Add(double value)
        {
            double current, next;
            do
            {
                current = Volatile.Read(ref _value);
                next = current + value;
            }
            while (Interlocked.CompareExchange(ref _value, next, current) != current);
        }

        public void Observe(double value, double[] bounds)
        {
            var index = Array.BinarySearch(bounds, value);
            Interlocked.Increment(ref _buckets[index >= 0 ? index : ~index]);
            Add(value);
        }
    }

    /// <summary>Alternating label names and values; equal when every element is.</summary>
    private readonly struct LabelSet(string[] pairs) : IEquatable<LabelSet>
    {
        private readonly string[] _pairs = pairs;

        public bool Equals(LabelSet other) => _pairs.AsSpan().SequenceEqual(other._pairs);

        public override bool Equals(object? obj) => obj is LabelSet other && Equals(other);

        public override int GetHashCode()
        {
            var hash = new HashCode();
            foreach (var part in _pairs)
            {
                hash.Add(part);
            }

            return hash.ToHashCode();
        }

        public override string ToString() => string.Join(',', _pairs);

        public void WriteTo(StringBuilder text, string? le)
        {
            if (_pairs.Length == 0 && le is null)
            {
                return;
            }

            text.Append('{');
            for (var i = 0; i < _pairs.Length; i += 2)
            {
                if (i > 0)
                {
                    text.Append(',');
                }

                text.Append(_pairs[i]).Append("=\"");
                AppendEscaped(text, _pairs[i + 1]);
                text.Append('"');
            }

            if (le is not null)
            {
                text.Append(_pairs.Length > 0 ? "," : string.Empty).Append("le=\"").Append(le).Append('"');
            }

            text.Append('}');
        }

        private static void AppendEscaped(StringBuilder text, string value)
        {
            foreach (var c in value)
            {
                _ = c switch
                {
                    '\\' => text.Append("\\\\"),
                    '"' => text.Append("\\\""),
                    '\n' => text.Append("\\n"),
                    _ => text.Append(c),
                };
            }
        }
    }
}
