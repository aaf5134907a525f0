using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Routing;

/// <summary>Compiled request and response header set/add/remove (Istio's <c>headers</c>).</summary>
internal sealed class HeaderOperations
{
    public static readonly HeaderOperations None = new(HeaderMutation.None, HeaderMutation.None);

    public HeaderOperations(HeaderMutation request, HeaderMutation response)
    {
        Request = request;
        Response = response;
    }

    public HeaderMutation Request { get; }

    public HeaderMutation Response { get; }

    public static HeaderOperations From(Api.V1.HeaderOperations? operations) =>
        operations is null ? None : new HeaderOperations(HeaderMutation.From(operations.Request), HeaderMutation.From(operations.Response));
}

internal sealed class HeaderMutation
{
    public static readonly HeaderMutation None = new([], [], []);

    private readonly KeyValuePair<string, string>[] _set;
    private readonly KeyValuePair<string, string>[] _add;
    private readonly string[] _remove;

    private HeaderMutation(KeyValuePair<string, string>[] set, KeyValuePair<string, string>[] add, string[] remove)
    {
        _set = set;
        _add = add;
        _remove = remove;
    }

    public bool IsEmpty => _set.Length == 0 && _add.Length == 0 && _remove.Length == 0;

    public static HeaderMutation From(Api.V1.HeaderMutation? mutation) =>
        mutation is null || (mutation.Set.Count == 0 && mutation.Add.Count == 0 && mutation.Remove.Count == 0)
            ? None
            : new HeaderMutation(
                mutation.Set.Select(h => KeyValuePair.Create(h.Name, h.Value)).ToArray(),
                mutation.Add.Select(h => KeyValuePair.Create(h.Name, h.Value)).ToArray(),
                mutation.Remove.ToArray());

    /// <summary>Applies remove, then set, then add to the request sent upstream (content headers included).</summary>
    public void ApplyTo(HttpRequestMessage request)
    {
        foreach (var name in _remove)
        {
            Remove(request, name);
        }

        foreach (var (name, value) in _set)
        {
            Remove(request, name);
            Add(request, name, value);
        }

        foreach (var (name, value) in _add)
        {
            Add(request, name, value);
        }
    }

    /// <summary>Applies remove, then set, then add to the response sent to the client.</summary>
    public void ApplyTo(IHeaderDictionary headers)
    {
        foreach (var name in _remove)
        {
            headers.Remove(name);
        }

        foreach (var (name, value) in _set)
        {
            headers[name] = value;
        }

        foreach (var (name, value) in _add)
        {
            headers.Append(name, value);
        }
    }

    private static void Remove(HttpRequestMessage request, string name)
    {
        request.Headers.Remove(name);
        request.Content?.Headers.Remove(name);
    }

    private static void Add(HttpRequestMessage request, string name, string value)
    {
        if (!request.Headers.TryAddWithoutValidation(name, value) && request.Content is { } content)
        {
            content.Headers.TryAddWithoutValidation(name, value);
        }
    }
}
