using Mesh.Api.V1;
using Mesh.Proxy.Config;
using Mesh.Proxy.RateLimiting;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.RateLimiting;

public sealed class RateLimiterSetTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void A_request_rejected_by_one_limit_takes_no_token_from_the_others()
    {
        var limits = RateLimiterSet.Build(Limits(("ns/wide", 1, 5), ("ns/narrow", 1, 1)), null, _time);
        var now = _time.GetTimestamp();
        Assert.True(limits.TryAcquire(now, out _, out _));

        for (var i = 0; i < 3; i++)
        {
            Assert.False(limits.TryAcquire(now, out var rejectedBy, out _));
            Assert.Equal("ns/narrow", rejectedBy.Name);
        }

        // The wide bucket lost one token (the admitted request), not four.
        Assert.Equal(4, Drain(limits.Buckets[0], now));
    }

    [Fact]
    public void An_unchanged_limit_keeps_its_bucket_across_configs_and_a_changed_one_starts_afresh()
    {
        var first = RateLimiterSet.Build(Limits(("ns/a", 10, 2), ("ns/b", 10, 2)), null, _time);

        var second = RateLimiterSet.Build(Limits(("ns/a", 10, 2), ("ns/b", 20, 2)), first, _time);

        Assert.Same(first.Buckets[0], second.Buckets[0]);
        Assert.NotSame(first.Buckets[1], second.Buckets[1]);
    }

    [Theory]
    [InlineData(0, "inbound.rate_limits[0].requests_per_second: must be a positive number, got 0")]
    [InlineData(-3, "inbound.rate_limits[0].requests_per_second: must be a positive number, got -3")]
    [InlineData(double.NaN, "inbound.rate_limits[0].requests_per_second: must be a positive number, got NaN")]
    [InlineData(double.PositiveInfinity, "inbound.rate_limits[0].requests_per_second: must be a positive number, got Infinity")]
    public void A_limit_without_a_usable_rate_is_rejected(double requestsPerSecond, string message)
    {
        var error = Assert.Throws<InvalidProxyConfigException>(() => RateLimiterSet.Build(Limits(("ns/a", requestsPerSecond, 1)), null, _time));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Two_limits_with_one_name_are_rejected()
    {
        var error = Assert.Throws<InvalidProxyConfigException>(() => RateLimiterSet.Build(Limits(("ns/a", 1, 1), ("ns/a", 2, 1)), null, _time));

        Assert.Equal("inbound.rate_limits[1].name: duplicate rate limit 'ns/a'", error.Message);
    }

    private static InboundConfig Limits(params (string Name, double Rps, uint Burst)[] limits)
    {
        var inbound = new InboundConfig();
        foreach (var (name, rps, burst) in limits)
        {
            inbound.RateLimits.Add(new RateLimit { Name = name, RequestsPerSecond = rps, Burst = burst });
        }

        return inbound;
    }

    private static int Drain(TokenBucket bucket, long now)
    {
        var taken = 0;
        while (bucket.TryTake(now, out _))
        {
            taken++;
        }

        return taken;
    }
}
