namespace Mesh.Kubernetes.Informers;

/// <summary>
/// What an informer watches (the collection, and its namespace, are its <see cref="IListWatcher{T}"/>'s) and how it
/// recovers. Defaults follow client-go.
/// </summary>
public sealed class InformerOptions
{
    /// <summary>Default: null, every object.</summary>
    public string? LabelSelector { get; set; }

    /// <summary>Default: null, every object.</summary>
    public string? FieldSelector { get; set; }

    /// <summary>How often the whole cache is replayed to handlers as updates. Default: zero, never.</summary>
    public TimeSpan ResyncPeriod { get; set; } = TimeSpan.Zero;

    /// <summary>Objects per list page. Default: 500.</summary>
    public int PageSize { get; set; } = 500;

    /// <summary>The first delay after a failed list or watch; doubles per failure, with up to 100% jitter. Default: 800 ms.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(800);

    /// <summary>The longest delay between failed attempts. Default: 30 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Each watch asks the server to end it after a random time between this and <see cref="MaxWatchTimeout"/>,
    /// spreading reconnections of many clients. Default: 5 min.
    /// </summary>
    public TimeSpan MinWatchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Default: 10 min.</summary>
    public TimeSpan MaxWatchTimeout { get; set; } = TimeSpan.FromMinutes(10);
}
