namespace Mesh.Kubernetes.Informers;

/// <summary>Exponential backoff with jitter: initial, doubling up to a maximum; reset after a success.</summary>
internal sealed class Backoff
{
    private readonly TimeSpan _initial;
    private readonly TimeSpan _max;
    private TimeSpan _next;

    public Backoff(TimeSpan initial, TimeSpan max)
    {
        _initial = initial;
        _max = max;
        _next = initial;
    }

    /// <summary>The delay before the next attempt: the current step plus up to 100% jitter, capped at the maximum.</summary>
    public TimeSpan Next()
    {
        var step = _next;
        _next = step * 2 > _max ? _max : step * 2;
        var jittered = step * (1 + Random.Shared.NextDouble());
        return jittered > _max ? _max : jittered;
    }

    public void Reset() => _next = _initial;
}
