namespace Mesh.Kubernetes.Client;

/// <summary>How the client retries and times out requests.</summary>
public sealed class KubernetesClientOptions
{
    /// <summary>
    /// Retries after a 429 (any verb: the server did not process the request) or a 5xx (idempotent verbs only:
    /// GET, PUT, DELETE). Default: 3.
    /// </summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>The delay before a retry when the server sent no <c>Retry-After</c>; doubles per attempt. Default: 1 s.</summary>
    public TimeSpan DefaultRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The upper bound of one retry delay, whatever <c>Retry-After</c> says. Default: 30 s.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time to get a whole response (for a watch: its headers). Default: 30 s.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The User-Agent header. Default: "mesh-operator".</summary>
    public string UserAgent { get; set; } = "mesh-operator";
}
