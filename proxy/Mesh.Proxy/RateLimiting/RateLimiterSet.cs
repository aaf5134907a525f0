using System.Diagnostics.CodeAnalysis;
using Mesh.Api.V1;
using Mesh.Proxy.Config;

namespace Mesh.Proxy.RateLimiting;

/// <summary>
/// The inbound rate limits of one config: one <see cref="TokenBucket"/> per policy, shared by all requests to
/// this workload. A request must get a token from every bucket.
/// </summary>
internal sealed class RateLimiterSet
{
    private readonly TokenBucket[] _buckets;

    private RateLimiterSet(TokenBucket[] buckets) => _buckets = buckets;

    public static RateLimiterSet None { get; } = new([]);

    public IReadOnlyList<TokenBucket> Buckets => _buckets;

    /// <summary>
    /// Compiles the limits of <paramref name="inbound"/>. A bucket whose policy and settings are unchanged is carried
    /// over from <paramref name="previous"/>, so an unrelated config push neither refills nor drains it.
    /// </summary>
    /// <exception cref="InvalidProxyConfigException">A limit has no usable rate or two share a name.</exception>
    public static RateLimiterSet Build(InboundConfig? inbound, RateLimiterSet? previous, TimeProvider time)
    {
        if (inbound is null || inbound.RateLimits.Count == 0)
        {
            return None;
        }

        var buckets = new TokenBucket[inbound.RateLimits.Count];
        var names = new HashSet<string>(StringComparer.Ordinal);
        var now = time.GetTimestamp();
        for (var i = 0; i < buckets.Length; i++)
        {
            var limit = inbound.RateLimits[i];
            var path = $"inbound.rate_limits[{i}]";
            if (!double.IsFinite(limit.RequestsPerSecond) || limit.RequestsPerSecond <= 0)
            {
                throw new InvalidProxyConfigException(path + ".requests_per_second", $"must be a positive number, got {limit.RequestsPerSecond}");
            }

            if (!names.Add(limit.Name))
            {
                throw new InvalidProxyConfigException(path + ".name", $"duplicate rate limit '{limit.Name}'");
            }

            buckets[i] = previous?.Find(limit) ?? new TokenBucket(limit.Name, limit.RequestsPerSecond, limit.Burst, time.TimestampFrequency, now);
        }

        return new RateLimiterSet(buckets);
    }

    /// <summary>Takes a token from every bucket; on the first empty one, returns the tokens already taken and names it.</summary>
    public bool TryAcquire(long now, [NotNullWhen(false)] out TokenBucket? rejectedBy, out long wait)
    {
        for (var i = 0; i < _buckets.Length; i++)
        {
            if (!_buckets[i].TryTake(now, out wait))
            {
                for (var j = 0; j < i; j++)
                {
                    _buckets[j].Return();
                }

                rejectedBy = _buckets[i];
                return false;
            }
        }

        rejectedBy = null;
        wait = 0;
        return true;
    }

    private TokenBucket? Find(RateLimit limit)
    {
        for (var i = 0; i < _buckets.Length; i++)
        {
            var bucket = _buckets[i];
            if (bucket.Name == limit.Name && bucket.RequestsPerSecond == limit.RequestsPerSecond && bucket.ConfiguredBurst == limit.Burst)
            {
                return bucket;
            }
        }

        return null;
    }
}
