using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Routing;

/// <summary>A header condition: a value match, or presence alone; <c>invert</c> negates the result.</summary>
internal sealed class HeaderMatcher
{
    private readonly string _name;
    private readonly StringMatcher? _match;
    private readonly bool _invert;

    public HeaderMatcher(string name, StringMatcher? match, bool invert)
    {
        _name = name;
        _match = match;
        _invert = invert;
    }

    public bool Matches(IHeaderDictionary headers)
    {
        var matched = false;
        if (headers.TryGetValue(_name, out var values))
        {
            if (_match is null)
            {
                matched = true;
            }
            else
            {
                foreach (var value in values)
                {
                    if (value is not null && _match.Matches(value))
                    {
                        matched = true;
                        break;
                    }
                }
            }
        }

        return matched != _invert;
    }
}
