using System.Buffers;
using System.Globalization;

namespace Mesh.Operator.Validation;

/// <summary>
/// Istio's host name syntax (RFC 1123 labels): a wildcard is allowed only as the whole first label or as its
/// prefix (<c>*</c>, <c>*.example.com</c>, <c>*-api.example.com</c>), the top-level label is not all digits, a
/// trailing dot is allowed, 255 characters at most.
/// </summary>
internal static class DnsNames
{
    private const int MaxLabelLength = 63;

    private const int MaxNameLength = 255;

    private static readonly SearchValues<char> LabelChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-");

    /// <summary>Null when <paramref name="name"/> is a valid host, possibly with a wildcard prefix; otherwise why not.</summary>
    public static string? CheckWildcardDomain(string name)
    {
        if (name.Length == 0)
        {
            return "empty domain name not allowed";
        }

        if (name.Length > MaxNameLength)
        {
            return $"domain name '{name}' is too long (max {MaxNameLength})";
        }

        var dot = name.IndexOf('.', StringComparison.Ordinal);
        var first = dot < 0 ? name.AsSpan() : name.AsSpan(0, dot);
        if (!IsWildcardLabel(first))
        {
            return $"domain name '{name}' is invalid (label '{first}' is invalid)";
        }

        return dot < 0 ? null : CheckLabels(name, name.AsSpan(dot + 1));
    }

    /// <summary>An RFC 1123 label: letters, digits and inner dashes, 63 characters at most.</summary>
    public static bool IsLabel(ReadOnlySpan<char> value) =>
        value.Length is > 0 and <= MaxLabelLength &&
        !value.ContainsAnyExcept(LabelChars) &&
        value[0] != '-' && value[^1] != '-';

    /// <summary>True when two hosts of one VirtualService overlap: equal, or one a wildcard covering the other.</summary>
    public static bool Overlap(string a, string b) =>
        string.Equals(a, b, StringComparison.OrdinalIgnoreCase) || Covers(a, b) || Covers(b, a);

    private static bool Covers(string wildcard, string host)
    {
        if (wildcard == "*")
        {
            return true;
        }

        // *.example.com covers a.example.com and *.a.example.com; not example.com.
        return wildcard.StartsWith("*.", StringComparison.Ordinal) &&
            host.EndsWith(wildcard[1..], StringComparison.OrdinalIgnoreCase) && host.Length > wildcard.Length - 1;
    }

    private static bool IsWildcardLabel(ReadOnlySpan<char> label) =>
        label is "*" ||
        (label.Length <= MaxLabelLength &&
            (IsLabel(label) ||
                (label.StartsWith("*-") && IsLabel(label[2..])) ||
                (label.StartsWith("*") && IsLabel(label[1..]))));

    // Checks every label without allocating: most hosts are valid and this runs for each host of each compile.
    private static string? CheckLabels(string name, ReadOnlySpan<char> rest)
    {
        var lastDot = rest.LastIndexOf('.');
        var topLevel = lastDot < 0 ? rest : rest[(lastDot + 1)..];
        if (long.TryParse(topLevel, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            return $"domain name '{name}' is invalid (top-level domain '{topLevel}' cannot be all-numeric)";
        }

        foreach (var range in rest.Split('.'))
        {
            var label = rest[range];

            // A trailing dot names the root unambiguously (istio.io.).
            if (label.IsEmpty && range.End.GetOffset(rest.Length) == rest.Length)
            {
                return null;
            }

            if (!IsLabel(label))
            {
                return $"domain name '{name}' is invalid (label '{label}' is invalid)";
            }
        }

        return null;
    }
}
