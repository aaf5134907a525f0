using System.Globalization;

namespace Mesh.Operator.Injection;

/// <summary>
/// The values of <c>mesh-proxy</c> flags that the template and the pod annotations pass on, checked by the rules the
/// proxy parses them with (<c>Mesh.Proxy.Cli.ProxyFlags</c>): a value the proxy refuses would give a pod whose sidecar
/// never starts, so the operator refuses it first, naming the field or annotation.
/// </summary>
internal static class ProxyFlagValues
{
    /// <summary>The names <c>--trace-propagation</c> takes.</summary>
    public static readonly string[] PropagationNames = ["w3c", "tracecontext", "b3", "b3multi"];

    /// <summary>An absolute http or https address, as the proxy's endpoint flags require.</summary>
    public static bool IsEndpoint(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>A non-empty comma-separated list of <see cref="PropagationNames"/>, in any case.</summary>
    public static bool IsPropagation(string text)
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return names.Length > 0 && names.All(n => PropagationNames.Contains(n, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>A non-negative number with an optional unit <c>ms</c>, <c>s</c> (the default), <c>m</c> or <c>h</c>.</summary>
    public static bool IsDuration(string text)
    {
        var number = text.EndsWith("ms", StringComparison.Ordinal) ? text[..^2]
            : text.EndsWith('s') || text.EndsWith('m') || text.EndsWith('h') ? text[..^1]
            : text;
        return double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value >= 0;
    }
}
