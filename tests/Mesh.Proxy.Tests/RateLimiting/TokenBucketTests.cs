using Mesh.Proxy.RateLimiting;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.RateLimiting;

public sealed class TokenBucketTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void A_new_bucket_is_full_and_admits_exactly_its_burst()
    {
        var bucket = Bucket(requestsPerSecond: 10, burst: 5);

        Assert.Equal(5, TakeAll(bucket));
    }

    [Fact]
    public void Tokens_come_back_at_the_configured_rate()
    {
        var bucket = Bucket(requestsPerSecond: 10, burst: 1);
        Assert.True(bucket.TryTake(_time.GetTimestamp(), out _));
        Assert.False(bucket.TryTake(_time.GetTimestamp(), out var wait));
        Assert.Equal(TimeSpan.FromMilliseconds(100).Ticks, wait);

        _time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(bucket.TryTake(_time.GetTimestamp(), out wait));
        Assert.Equal(TimeSpan.FromMilliseconds(1).Ticks, wait);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(bucket.TryTake(_time.GetTimestamp(), out _));
    }

    [Fact]
    public void An_idle_bucket_refills_only_up_to_its_burst()
    {
        var bucket = Bucket(requestsPerSecond: 100, burst: 3);
        TakeAll(bucket);

        _time.Advance(TimeSpan.FromHours(1));

        Assert.Equal(3, TakeAll(bucket));
    }

    [Theory]
    [InlineData(20, 20)]
    [InlineData(2.5, 2)]
    [InlineData(0.5, 1)]
    public void Burst_zero_means_the_rate_rounded_down_and_at_least_one(double requestsPerSecond, int expected)
    {
        var bucket = Bucket(requestsPerSecond, burst: 0);

        Assert.Equal(expected, bucket.Burst);
        Assert.Equal(expected, TakeAll(bucket));
    }

    [Fact]
    public void Under_constant_overload_it_admits_the_burst_then_exactly_the_rate()
    {
        // 20 rps, burst 1, one request every millisecond for 10 s of simulated time (t = 0 .. 9999 ms): the full
        // bucket admits t = 0, then one request per 50 ms: 1 + 199 = 200.
        var bucket = Bucket(requestsPerSecond: 20, burst: 1);
        var admitted = 0;
        for (var ms = 0; ms < 10_000; ms++)
        {
            admitted += bucket.TryTake(_time.GetTimestamp(), out _) ? 1 : 0;
            _time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(200, admitted);
    }

    [Fact]
    public void A_returned_token_can_be_taken_again()
    {
        var bucket = Bucket(requestsPerSecond: 1, burst: 1);
        Assert.True(bucket.TryTake(_time.GetTimestamp(), out _));

        bucket.Return();

        Assert.True(bucket.TryTake(_time.GetTimestamp(), out _));
        Assert.False(bucket.TryTake(_time.GetTimestamp(), out _));
    }

    [Fact]
    public void Concurrent_takers_never_get_more_than_the_burst()
    {
        var bucket = Bucket(requestsPerSecond: 0.001, burst: 10_000);
        var now = _time.GetTimestamp();
        var admitted = 0;

        Parallel.For(0, 40_000, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            if (bucket.TryTake(now, out _))
            {
                Interlocked.Increment(ref admitted);
            }
        });

        Assert.Equal(10_000, admitted);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(TimeSpan.TicksPerSecond, 1)]
    [InlineData(TimeSpan.TicksPerSecond + 1, 2)]
    [InlineData(100 * TimeSpan.TicksPerSecond, 100)]
    public void Retry_after_is_whole_seconds_rounded_up_and_at_least_one(long waitTicks, long expected) =>
        Assert.Equal(expected, RateLimitedResponse.RetryAfterSeconds(waitTicks, TimeSpan.TicksPerSecond));

    private TokenBucket Bucket(double requestsPerSecond, uint burst) =>
        new("ns/limit", requestsPerSecond, burst, _time.TimestampFrequency, _time.GetTimestamp());

    private int TakeAll(TokenBucket bucket)
    {
        var taken = 0;
        while (bucket.TryTake(_time.GetTimestamp(), out _))
        {
            taken++;
            Assert.True(taken <= 1_000_000, "the bucket never ran dry");
        }

        return taken;
    }
}
