using Mesh.Operator.Identity;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.ConfigServer.Admission;

/// <summary>
/// Counts the config streams open on this replica, in total and per workload identity, from the moment a caller is
/// authenticated (before its first request, so streams that never send one are counted too) until the call ends.
/// </summary>
internal sealed class StreamLimiter
{
    private readonly Lock _gate = new();
    private readonly Dictionary<WorkloadIdentity, int> _perIdentity = [];
    private readonly int _maxStreams;
    private readonly int _maxPerIdentity;
    private int _total;

    public StreamLimiter(IOptions<ConfigServerOptions> options)
    {
        _maxStreams = options.Value.MaxStreams;
        _maxPerIdentity = options.Value.MaxStreamsPerIdentity;
    }

    /// <summary>Streams counted now, over all identities.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _total;
            }
        }
    }

    /// <summary>A lease on one stream slot for <paramref name="identity"/>, or null with the limit that refused it.</summary>
    public Lease? TryAcquire(WorkloadIdentity identity, out string? refusal)
    {
        lock (_gate)
        {
            if (_total >= _maxStreams)
            {
                refusal = $"this operator replica holds its limit of {_maxStreams} config streams (ConfigServerOptions.MaxStreams)";
                return null;
            }

            _perIdentity.TryGetValue(identity, out var held);
            if (held >= _maxPerIdentity)
            {
                refusal = $"{identity} holds its limit of {_maxPerIdentity} config streams (ConfigServerOptions.MaxStreamsPerIdentity)";
                return null;
            }

            _perIdentity[identity] = held + 1;
            _total++;
            refusal = null;
            return new Lease(this, identity);
        }
    }

    private void Release(WorkloadIdentity identity)
    {
        lock (_gate)
        {
            _total--;
            var held = _perIdentity[identity] - 1;
            if (held == 0)
            {
                _perIdentity.Remove(identity);
            }
            else
            {
                _perIdentity[identity] = held;
            }
        }
    }

    /// <summary>One counted stream; disposing it (once) frees the slot.</summary>
    internal sealed class Lease(StreamLimiter limiter, WorkloadIdentity identity) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                limiter.Release(identity);
            }
        }
    }
}
