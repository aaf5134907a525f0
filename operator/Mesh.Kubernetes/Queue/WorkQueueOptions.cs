namespace Mesh.Kubernetes.Queue;

/// <summary>The rate limits of a work queue; the defaults are client-go's DefaultControllerRateLimiter.</summary>
public sealed class WorkQueueOptions
{
    /// <summary>The backoff of a key's first requeue; doubles with each further one. Default: 5 ms.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The longest per-key backoff. Default: 1000 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(1000);

    /// <summary>Rate-limited adds per second across all keys, after the burst. Default: 10.</summary>
    public double QueriesPerSecond { get; set; } = 10;

    /// <summary>Rate-limited adds allowed at once before the rate applies. Default: 100.</summary>
    public int Burst { get; set; } = 100;
}
