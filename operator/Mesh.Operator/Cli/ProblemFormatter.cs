using Mesh.Operator.Manifests;
using Mesh.Operator.Validation;

namespace Mesh.Operator.Cli;

/// <summary>
/// Formats problems one per line: <c>FILE:LINE: KIND NAMESPACE/NAME: FIELD.PATH: message</c>. The line is the
/// field's own line when the YAML parser gave it, otherwise the document's; <c>:LINE</c> is left out when neither
/// is known. Warnings have <c>warning: </c> before the message; errors have no prefix.
/// </summary>
internal static class ProblemFormatter
{
    public static string Format(string file, int line, Diagnostic? diagnostic, string message)
    {
        var location = line > 0 ? $"{file}:{line}" : file;
        if (diagnostic is null)
        {
            return $"{location}: {message}";
        }

        var resource = diagnostic.Resource;
        var name = resource.Namespace.Length == 0 ? resource.Name : $"{resource.Namespace}/{resource.Name}";
        var path = diagnostic.Path.Length == 0 ? "" : diagnostic.Path + ": ";
        var severity = diagnostic.IsError ? "" : "warning: ";
        return $"{location}: {resource.Kind} {name}: {path}{severity}{diagnostic.Message}";
    }

    /// <summary>Every reading and compiling problem of a manifest set, sorted by file and line.</summary>
    public static IReadOnlyList<(string Line, bool IsError)> FormatAll(ManifestSet set, IEnumerable<Diagnostic> diagnostics)
    {
        var lines = set.Problems
            .Select(p => (p.File, p.Line, Text: Format(p.File, p.Line, p.Diagnostic, p.Message), p.IsError))
            .ToList();
        foreach (var diagnostic in diagnostics)
        {
            var origin = set.OriginOf(diagnostic.Resource);
            var file = origin?.File ?? "";
            var line = origin?.LineOf(diagnostic.Path) ?? 0;
            lines.Add((file, line, Format(file, line, diagnostic, diagnostic.Message), diagnostic.IsError));
        }

        return [.. lines
            .OrderBy(l => l.File, StringComparer.Ordinal).ThenBy(l => l.Line).ThenBy(l => l.Text, StringComparer.Ordinal)
            .Select(l => (l.Text, l.IsError))];
    }
}
