namespace Mesh.Proxy.Config;

/// <summary>
/// Exponential reconnect delays with jitter: each attempt waits a random time between half and all of
/// initial × 2^attempt (capped), so proxies that lost the control plane together do not return in lockstep.
/// </summary>
internal sealed class ReconnectBackoff(TimeSpan initial, TimeSpan max, Random random)
{
    private int _attempt;

    public TimeSpan Next()
    {
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(_attempt, 30)));
        _attempt++;
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + (random.NextDouble() * 0.5)));
    }

    public void Reset() => _attempt = 0;
}
