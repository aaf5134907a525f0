using System.Globalization;
using System.Text.RegularExpressions;

namespace Mesh.Operator.Injection;

/// <summary>Kubernetes resource quantity syntax (<c>100m</c>, <c>0.5</c>, <c>128Mi</c>, <c>1e3</c>), checked before it reaches a pod spec.</summary>
internal static partial class Quantity
{
    public static bool IsValid(string? value) => value is not null && Syntax().IsMatch(value);

    /// <summary>
    /// The amount a valid quantity stands for, close enough to order two of them (the API server rejects a request
    /// above its limit, and the webhook says so first).
    /// </summary>
    public static double Amount(string value)
    {
        var match = Syntax().Match(value);
        if (!match.Success)
        {
            throw new FormatException($"'{value}' is not a Kubernetes quantity");
        }

        var number = double.Parse(match.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture);
        var suffix = match.Groups[3].Value;
        return suffix switch
        {
            "" => number,
            ['e' or 'E', _, ..] => number * Math.Pow(10, int.Parse(suffix.AsSpan(1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture)),
            [var binary, 'i'] => number * Math.Pow(1024, "KMGTPE".IndexOf(binary, StringComparison.Ordinal) + 1),
            _ => number * Math.Pow(10, 3 * ("num kMGTPE".IndexOf(suffix[0], StringComparison.Ordinal) - 3)),
        };
    }

    [GeneratedRegex(@"^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Syntax();
}
