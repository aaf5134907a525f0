using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;

namespace Mesh.Operator.Compiler;

/// <summary>
/// Go/Istio duration strings, as the CRD schema's pattern admits them: one or more <c>NUMBER UNIT</c> pairs with
/// units h, m, s, ms, us, ns (e.g. <c>1.5s</c>, <c>1m30s</c>, <c>250ms</c>).
/// </summary>
public static partial class Durations
{
    public const string Pattern = @"^([0-9]+(\.[0-9]+)?(h|m|s|ms|us|ns))+$";

    public static bool TryParse(string? text, out Duration duration)
    {
        duration = new Duration();
        if (text is null || !WholePattern().IsMatch(text))
        {
            return false;
        }

        decimal nanos = 0;
        foreach (var part in PartPattern().EnumerateMatches(text))
        {
            // NUMBER UNIT, the unit being the trailing letters; enumerated without allocating Match objects.
            var pair = text.AsSpan(part.Index, part.Length);
            var unitStart = pair.LastIndexOfAnyInRange('0', '9') + 1;
            var number = decimal.Parse(pair[..unitStart], CultureInfo.InvariantCulture);
            nanos += number * pair[unitStart..] switch
            {
                "h" => 3_600_000_000_000m,
                "m" => 60_000_000_000m,
                "s" => 1_000_000_000m,
                "ms" => 1_000_000m,
                "us" => 1_000m,
                _ => 1m,
            };
            if (nanos > 315_576_000_000m * 1_000_000_000m)
            {
                return false;
            }
        }

        var whole = decimal.Truncate(nanos);
        duration.Seconds = (long)(whole / 1_000_000_000m);
        duration.Nanos = (int)(whole % 1_000_000_000m);
        return true;
    }

    /// <summary>Parses a duration that validation has already accepted.</summary>
    public static Duration Parse(string text) =>
        TryParse(text, out var duration) ? duration : throw new FormatException($"invalid duration '{text}'");

    [GeneratedRegex(Pattern)]
    private static partial Regex WholePattern();

    [GeneratedRegex("([0-9]+(?:\\.[0-9]+)?)(h|ms|m|s|us|ns)")]
    private static partial Regex PartPattern();
}
