using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace Mesh.Api.Telemetry;

/// <summary>One exported instrument: its kind and a series per label combination.</summary>
internal sealed class ExportedInstrument
{
    private static readonly double[] DefaultBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    [ThreadStatic]
    private static string[]? _scratch;

    public ExportedInstrument(Instrument instrument)
    {
        Instrument = instrument;
        IsGauge = instrument is ObservableGauge<long> or ObservableGauge<int> or ObservableGauge<double>
            or ObservableUpDownCounter<long> or ObservableUpDownCounter<int> or ObservableUpDownCounter<double>
            or UpDownCounter<long> or UpDownCounter<int> or UpDownCounter<double>;
        IsHistogram = instrument is Histogram<double> or Histogram<long>;
        Buckets = (instrument as Histogram<double>)?.Advice?.HistogramBucketBoundaries?.ToArray() ?? DefaultBuckets;
    }

    public Instrument Instrument { get; }

    public bool IsGauge { get; }

    public bool IsHistogram { get; }

    public double[] Buckets { get; }

    public ConcurrentDictionary<LabelSet, MetricSeries> Series { get; } = new();

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
            series = Series.GetOrAdd(new LabelSet((string[])scratch.Clone()), _ => new MetricSeries(IsHistogram ? Buckets.Length + 1 : 0));
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
