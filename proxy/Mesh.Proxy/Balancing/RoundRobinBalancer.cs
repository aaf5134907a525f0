using Mesh.Proxy.Clusters;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Balancing;

/// <summary>ROUND_ROBIN: a smooth weighted schedule (nginx's algorithm) computed once per config and walked in turn.</summary>
internal sealed class RoundRobinBalancer : ILoadBalancer
{
    private const int MaxScheduleLength = 4096;

    private readonly EndpointRuntime[] _schedule;
    private int _next = -1;

    public RoundRobinBalancer(EndpointRuntime[] endpoints) => _schedule = BuildSchedule(endpoints);

    public EndpointRuntime? Pick(HttpContext context, long now)
    {
        if (_schedule.Length == 0)
        {
            return null;
        }

        var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)_schedule.Length);
        for (var i = 0; i < _schedule.Length; i++)
        {
            var candidate = _schedule[(start + i) % _schedule.Length];
            if (!candidate.Stats.IsEjected(now))
            {
                return candidate;
            }
        }

        return _schedule[start];
    }

    internal static EndpointRuntime[] BuildSchedule(EndpointRuntime[] endpoints)
    {
        if (endpoints.Length == 0)
        {
            return [];
        }

        var weights = endpoints.Select(e => (long)e.Weight).ToArray();
        var gcd = weights.Aggregate(Gcd);
        var total = weights.Sum() / gcd;
        var scale = total > MaxScheduleLength ? (double)MaxScheduleLength / total : 1;
        var effective = weights.Select(w => Math.Max(1, (long)(w / gcd * scale))).ToArray();
        var length = (int)effective.Sum();

        var current = new long[endpoints.Length];
        var schedule = new EndpointRuntime[length];
        for (var slot = 0; slot < length; slot++)
        {
            var best = 0;
            for (var i = 0; i < endpoints.Length; i++)
            {
                current[i] += effective[i];
                if (current[i] > current[best])
                {
                    best = i;
                }
            }

            current[best] -= length;
            schedule[slot] = endpoints[best];
        }

        return schedule;
    }

    private static long Gcd(long a, long b) => b == 0 ? a : Gcd(b, a % b);
}
