namespace Mesh.Proxy.Routing;

/// <summary>A query parameter condition, evaluated by scanning the raw query string without parsing it into a dictionary.</summary>
internal sealed class QueryParamMatcher
{
    private readonly string _name;
    private readonly StringMatcher? _match;

    public QueryParamMatcher(string name, StringMatcher? match)
    {
        _name = name;
        _match = match;
    }

    public bool Matches(string query)
    {
        var rest = query.AsSpan();
        if (rest.Length > 0 && rest[0] == '?')
        {
            rest = rest[1..];
        }

        while (!rest.IsEmpty)
        {
            var amp = rest.IndexOf('&');
            var pair = amp < 0 ? rest : rest[..amp];
            rest = amp < 0 ? default : rest[(amp + 1)..];

            var eq = pair.IndexOf('=');
            var name = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? default : pair[(eq + 1)..];
            if (!Decoded(name).SequenceEqual(_name))
            {
                continue;
            }

            if (_match is null || _match.Matches(Decoded(value)))
            {
                return true;
            }
        }

        return false;
    }

    // Only escaped names and values pay for decoding.
    private static ReadOnlySpan<char> Decoded(ReadOnlySpan<char> raw) =>
        raw.IndexOfAny('%', '+') < 0 ? raw : Uri.UnescapeDataString(raw.ToString().Replace('+', ' '));
}
