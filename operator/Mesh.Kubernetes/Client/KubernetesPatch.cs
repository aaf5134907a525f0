namespace Mesh.Kubernetes.Client;

/// <summary>The three patch formats the API server accepts for custom and built-in resources.</summary>
public enum PatchType
{
    /// <summary>RFC 7386 JSON merge patch, <c>application/merge-patch+json</c>.</summary>
    Merge,

    /// <summary>RFC 6902 JSON patch, <c>application/json-patch+json</c>.</summary>
    Json,

    /// <summary>Server-side apply, <c>application/apply-patch+yaml</c> (JSON is valid YAML).</summary>
    Apply,
}

/// <summary>A patch body and its format. Server-side apply also needs <see cref="FieldManager"/>.</summary>
public sealed record KubernetesPatch(PatchType Type, string Content)
{
    /// <summary>The <c>fieldManager</c> query parameter; required by server-side apply.</summary>
    public string? FieldManager { get; init; }

    /// <summary>Server-side apply takes ownership of fields other managers own instead of failing with 409.</summary>
    public bool Force { get; init; }

    public static KubernetesPatch Merge(string json) => new(PatchType.Merge, json);

    public static KubernetesPatch Json(string json) => new(PatchType.Json, json);

    public static KubernetesPatch Apply(string body, string fieldManager, bool force = false)
        => new(PatchType.Apply, body) { FieldManager = fieldManager, Force = force };

    internal string MediaType => Type switch
    {
        PatchType.Merge => "application/merge-patch+json",
        PatchType.Json => "application/json-patch+json",
        PatchType.Apply => "application/apply-patch+yaml",
        _ => throw new ArgumentOutOfRangeException(nameof(Type), Type, "Unknown patch type."),
    };
}
