namespace Mesh.Kubernetes.Client;

/// <summary>Query parameters of a list. Every field is optional; the defaults ask for everything in one page.</summary>
public sealed record ListOptions
{
    /// <summary>For example <c>app=reviews,tier!=db</c>. Default: none.</summary>
    public string? LabelSelector { get; init; }

    /// <summary>For example <c>metadata.name=x</c>. Default: none.</summary>
    public string? FieldSelector { get; init; }

    /// <summary>Page size. Default: null, no paging.</summary>
    public int? Limit { get; init; }

    /// <summary>The token of the previous page's <see cref="ObjectList{T}.Continue"/>.</summary>
    public string? Continue { get; init; }

    /// <summary>"0" = any cached state, "" or null = the latest (quorum read), otherwise not older than that version.</summary>
    public string? ResourceVersion { get; init; }
}

/// <summary>Query parameters of a watch.</summary>
public sealed record WatchOptions
{
    /// <summary>Watch changes after this version; null means "from now" with a synthetic ADDED for every object.</summary>
    public string? ResourceVersion { get; init; }

    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>The server ends the watch after this long. Default: null, the server's own timeout.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Ask for BOOKMARK events carrying the latest resourceVersion. Default: true.</summary>
    public bool AllowBookmarks { get; init; } = true;
}
