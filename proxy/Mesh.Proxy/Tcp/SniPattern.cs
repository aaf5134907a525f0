namespace Mesh.Proxy.Tcp;

/// <summary>
/// One <c>sniHosts</c> entry: an exact name, <c>*.example.com</c> (any name under example.com, one label or more,
/// as Envoy's server_names) or <c>*</c> (any name). Names are compared lower-cased; no SNI matches nothing.
/// </summary>
internal readonly struct SniPattern
{
    private readonly string _value;
    private readonly bool _wildcard;

    public SniPattern(string pattern)
    {
        pattern = pattern.ToLowerInvariant();
        _wildcard = pattern.StartsWith('*');
        _value = _wildcard ? pattern[1..] : pattern;
    }

    public bool Matches(string? serverName)
    {
        if (serverName is null)
        {
            return false;
        }

        if (!_wildcard)
        {
            return serverName == _value;
        }

        return _value.Length == 0 || (serverName.Length > _value.Length && serverName.EndsWith(_value, StringComparison.Ordinal));
    }
}
