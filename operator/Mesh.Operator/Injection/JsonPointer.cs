namespace Mesh.Operator.Injection;

/// <summary>RFC 6901 pointers: <c>~</c> becomes <c>~0</c> before <c>/</c> becomes <c>~1</c>, so no escape is read twice.</summary>
internal static class JsonPointer
{
    public static string Escape(string token) => token.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal);

    public static string Append(string pointer, string token) => pointer + "/" + Escape(token);
}
