using System.Buffers;
using Mesh.Operator.Manifests;

namespace Mesh.Operator.Validation;

/// <summary>
/// Kubernetes label syntax, as Istio checks it in subsets, sourceLabels and selectors: a key is an optional DNS
/// subdomain prefix and <c>/</c>, then a name of 63 characters at most (alphanumerics, <c>-</c>, <c>_</c>, <c>.</c>,
/// starting and ending alphanumeric); a value is empty or such a name.
/// </summary>
internal static class LabelSyntax
{
    private const int MaxNameLength = 63;

    private const int MaxPrefixLength = 253;

    private static readonly Dictionary<string, string> Empty = [];

    private static readonly SearchValues<char> NameChars =
        SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.");

    /// <summary>Reports each invalid key or value of a label map at <c>PATH['key']</c>.</summary>
    public static void Check(DiagnosticBag bag, string path, IDictionary<string, string>? labels)
    {
        if (labels is null)
        {
            return;
        }

        foreach (var (key, value) in labels)
        {
            // Most labels are valid: the path is joined only for a problem.
            if (IsValid(key, value))
            {
                continue;
            }

            var keyPath = FieldPath.Property(path, key);
            if (!IsValidKey(key))
            {
                bag.Error(keyPath, $"invalid label key '{key}': an optional DNS prefix and '/', then up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
            }

            if (value is null)
            {
                bag.Error(keyPath, "a label value must not be null (use \"\" for an empty value)");
            }
            else if (value.Length > 0 && !IsName(value))
            {
                bag.Error(keyPath, $"invalid label value '{value}': up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit");
            }
        }
    }

    /// <summary>True when every key and value is valid (and no value is null).</summary>
    public static bool AllValid(IDictionary<string, string>? labels)
    {
        foreach (var (key, value) in labels ?? Empty)
        {
            if (!IsValid(key, value))
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsValidKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return IsName(key);
        }

        var prefix = key.AsSpan(0, slash);
        return prefix.Length is > 0 and <= MaxPrefixLength && IsSubdomain(prefix) && IsName(key.AsSpan(slash + 1));
    }

    private static bool IsValid(string key, string? value) => IsValidKey(key) && value is not null && (value.Length == 0 || IsName(value));

    private static bool IsName(ReadOnlySpan<char> value) =>
        value.Length is > 0 and <= MaxNameLength &&
        !value.ContainsAnyExcept(NameChars) &&
        char.IsAsciiLetterOrDigit(value[0]) && char.IsAsciiLetterOrDigit(value[^1]);

    private static bool IsSubdomain(ReadOnlySpan<char> value)
    {
        foreach (var range in value.Split('.'))
        {
            var label = value[range];
            if (!DnsNames.IsLabel(label) || label.ContainsAnyInRange('A', 'Z'))
            {
                return false;
            }
        }

        return true;
    }
}
