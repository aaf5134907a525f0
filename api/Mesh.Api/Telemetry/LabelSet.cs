using System.Text;

namespace Mesh.Api.Telemetry;

/// <summary>Alternating label names and values; equal when every element is.</summary>
internal readonly struct LabelSet(string[] pairs) : IEquatable<LabelSet>
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
