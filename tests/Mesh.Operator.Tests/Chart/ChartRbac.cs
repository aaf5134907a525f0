using System.Text.Json.Nodes;

namespace Mesh.Operator.Tests.Chart;

/// <summary>One rule of the chart's rendered ClusterRole (any namespace) or Role (the operator's namespace only).</summary>
internal sealed record RbacRule(bool Namespaced, string[] ApiGroups, string[] Resources, string[] Verbs, string[] ResourceNames)
{
    /// <summary>The rules of the ClusterRole and the Role as helm renders the chart with its default values.</summary>
    public static async Task<IReadOnlyList<RbacRule>> FromChartAsync()
    {
        var rendered = await Helm.TemplateAsync();
        return [.. Read(rendered.Single("ClusterRole"), namespaced: false), .. Read(rendered.Single("Role"), namespaced: true)];
    }

    /// <summary>Kubernetes' RBAC semantics for one request; Role rules only in <paramref name="operatorNamespace"/>.</summary>
    public bool Grants(ApiRequest request, string operatorNamespace) =>
        (!Namespaced || request.Namespace == operatorNamespace)
        && Verbs.Contains(request.Verb)
        && ApiGroups.Contains(request.Group)
        && Resources.Contains(request.ResourceWithSubresource)
        && (ResourceNames.Length == 0 || (request.Name is { } name && ResourceNames.Contains(name)));

    /// <summary>Every (verb, group, resource) this rule grants.</summary>
    public IEnumerable<(string Verb, string Group, string Resource)> Permissions() =>
        from verb in Verbs from g in ApiGroups from resource in Resources select (verb, g, resource);

    private static IEnumerable<RbacRule> Read(JsonObject role, bool namespaced) =>
        role["rules"]!.AsArray().Select(rule => new RbacRule(
            namespaced,
            Strings(rule!["apiGroups"]),
            Strings(rule["resources"]),
            Strings(rule["verbs"]),
            Strings(rule["resourceNames"])));

    private static string[] Strings(JsonNode? node) => node is JsonArray array ? [.. array.Select(n => (string)n!)] : [];
}

/// <summary>A request to the API server in RBAC's terms, recovered from its method and path.</summary>
internal sealed record ApiRequest(string Verb, string Group, string Resource, string? Subresource, string? Namespace, string? Name)
{
    public string ResourceWithSubresource => Subresource is null ? Resource : $"{Resource}/{Subresource}";

    /// <summary>Parses <c>/api/v1/...</c> and <c>/apis/GROUP/VERSION/...</c> resource paths.</summary>
    public static ApiRequest Parse(string method, string path, bool isWatch)
    {
        var segments = path.Trim('/').Split('/');
        var (group, rest) = segments[0] switch
        {
            "api" => ("", segments[2..]),
            "apis" => (segments[1], segments[3..]),
            _ => throw new FormatException($"not a resource path: {path}"),
        };
        string? ns = null;
        if (rest.Length >= 3 && rest[0] == "namespaces")
        {
            ns = rest[1];
            rest = rest[2..];
        }

        var name = rest.Length > 1 ? rest[1] : null;
        var verb = method switch
        {
            "GET" when isWatch => "watch",
            "GET" => name is null ? "list" : "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => name is null ? "deletecollection" : "delete",
            _ => throw new FormatException($"unexpected method {method} {path}"),
        };
        return new ApiRequest(verb, group, rest[0], rest.Length > 2 ? rest[2] : null, ns, name);
    }

    public override string ToString() => $"{Verb} {(Group.Length == 0 ? "core" : Group)}/{ResourceWithSubresource} ns={Namespace ?? "-"} name={Name ?? "-"}";
}
