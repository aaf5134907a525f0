using System.Text.Json.Nodes;

namespace Mesh.Kubernetes.Tests.Fixtures;

/// <summary>Equality-based label selectors (<c>k=v</c>, <c>k!=v</c>, <c>k</c>, <c>!k</c>) and metadata field selectors.</summary>
internal sealed class FakeSelector
{
    private readonly List<Func<JsonObject, bool>> _terms = [];

    public static FakeSelector Parse(string? labelSelector, string? fieldSelector)
    {
        var selector = new FakeSelector();
        foreach (var term in Split(labelSelector))
        {
            selector._terms.Add(LabelTerm(term));
        }

        foreach (var term in Split(fieldSelector))
        {
            selector._terms.Add(FieldTerm(term));
        }

        return selector;
    }

    public bool Matches(JsonObject obj) => _terms.TrueForAll(term => term(obj));

    private static string[] Split(string? selector)
        => string.IsNullOrWhiteSpace(selector) ? [] : selector.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static Func<JsonObject, bool> LabelTerm(string term)
    {
        var (key, value, negate) = ParseTerm(term);
        if (value is null)
        {
            return key.StartsWith('!') ? obj => Label(obj, key[1..]) is null : obj => Label(obj, key) is not null;
        }

        return obj => (Label(obj, key) == value) != negate;
    }

    private static Func<JsonObject, bool> FieldTerm(string term)
    {
        var (key, value, negate) = ParseTerm(term);
        Func<JsonObject, string?> field = key switch
        {
            "metadata.name" => FakeObjects.Name,
            "metadata.namespace" => FakeObjects.Namespace,
            _ => throw FakeApiError.BadRequest($"field label not supported: {key}"),
        };
        if (value is null)
        {
            throw FakeApiError.BadRequest($"invalid field selector: '{term}'");
        }

        return obj => (field(obj) == value) != negate;
    }

    private static (string Key, string? Value, bool Negate) ParseTerm(string term)
    {
        foreach (var (op, negate) in new[] { ("!=", true), ("==", false), ("=", false) })
        {
            var at = term.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                return (term[..at].Trim(), term[(at + op.Length)..].Trim(), negate);
            }
        }

        return (term, null, false);
    }

    private static string? Label(JsonObject obj, string key)
        => obj["metadata"]?["labels"]?[key]?.GetValue<string>();
}
