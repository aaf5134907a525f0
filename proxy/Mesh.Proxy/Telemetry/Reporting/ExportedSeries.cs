namespace Mesh.Proxy.Telemetry.Reporting;

/// <summary>
/// One outbound line of the proxy's own Prometheus export (a <c>mesh_requests_total</c> child, or one <c>le</c> bucket
/// of a <c>mesh_request_duration_seconds</c> child): the labels a report needs, parsed once when the line first
/// appears, and the value it had at the previous sample.
/// </summary>
internal sealed class ExportedSeries
{
    private ExportedSeries(string service, string subset, bool failure, int bucket)
    {
        Service = service;
        Subset = subset;
        Failure = failure;
        Bucket = bucket;
    }

    public string Service { get; }

    public string Subset { get; }

    /// <summary>A requests line whose response code is 5xx or 0 (no response).</summary>
    public bool Failure { get; }

    /// <summary>The index of the line's <c>le</c> bound in the report's bounds (the bounds' count for +Inf); -1 on a requests line.</summary>
    public int Bucket { get; }

    public double Previous { get; set; }

    public long SeenInSample { get; set; }

    /// <summary>Parses <c>{k="v",...}</c>; null when a label the report needs is missing or malformed.</summary>
    public static ExportedSeries? Parse(ReadOnlySpan<char> labels, bool histogram, double[] bounds)
    {
        string? service = null;
        string? subset = null;
        var failure = false;
        var bucket = -1;
        var rest = labels.TrimStart('{').TrimEnd('}');
        while (rest.Length > 0)
        {
            var equals = rest.IndexOf("=\"", StringComparison.Ordinal);
            if (equals <= 0 || !TryReadValue(rest[(equals + 2)..], out var value, out var consumed))
            {
                return null;
            }

            var name = rest[..equals];
            if (name.SequenceEqual("destination_service"))
            {
                service = value;
            }
            else if (name.SequenceEqual("destination_subset"))
            {
                subset = value;
            }
            else if (name.SequenceEqual("response_code"))
            {
                failure = value == "0" || value.StartsWith('5');
            }
            else if (name.SequenceEqual("le"))
            {
                bucket = BucketIndex(value, bounds);
            }

            rest = rest[(equals + 2 + consumed)..].TrimStart(',');
        }

        return service is null || subset is null || (histogram && bucket < 0) ? null : new ExportedSeries(service, subset, failure, bucket);
    }

    /// <summary>Reads an escaped label value up to its closing quote; <paramref name="consumed"/> includes the quote.</summary>
    private static bool TryReadValue(ReadOnlySpan<char> text, out string value, out int consumed)
    {
        var end = text.IndexOfAny('"', '\\');
        if (end >= 0 && text[end] == '"')
        {
            value = text[..end].ToString();
            consumed = end + 1;
            return true;
        }

        var builder = new System.Text.StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '"':
                    value = builder.ToString();
                    consumed = i + 1;
                    return true;
                case '\\' when i + 1 < text.Length:
                    i++;
                    builder.Append(text[i] == 'n' ? '\n' : text[i]);
                    break;
                default:
                    builder.Append(text[i]);
                    break;
            }
        }

        value = "";
        consumed = 0;
        return false;
    }

    private static int BucketIndex(string le, double[] bounds)
    {
        if (le == "+Inf")
        {
            return bounds.Length;
        }

        if (!double.TryParse(le, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var bound))
        {
            return -1;
        }

        var index = Array.IndexOf(bounds, bound);
        return index;
    }
}
