using System.Diagnostics;

namespace Mesh.Bench.Mtls;

/// <summary>
/// Sends at a fixed rate regardless of how fast answers come (open loop). Each request's latency runs from its
/// intended send time, not from when it was actually sent, so a stall delays the schedule's later requests and is
/// counted in their latency instead of being hidden (coordinated omission).
/// </summary>
internal static class OpenLoopLoad
{
    public static async Task<LatencySample> RunAsync(HttpClient client, Uri target, string? host, int ratePerSecond, TimeSpan duration, CancellationToken cancellationToken)
    {
        var count = (int)(ratePerSecond * duration.TotalSeconds);
        var latencies = new double[count];
        var failures = 0;
        var inFlight = new Task[count];
        var period = Stopwatch.Frequency / (double)ratePerSecond;
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            var intended = start + (long)(i * period);
            await WaitUntilAsync(intended, cancellationToken);
            var index = i;
            inFlight[i] = Task.Run(async () =>
            {
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, target);
                    if (host is not null)
                    {
                        request.Headers.Host = host;
                    }

                    using var response = await client.SendAsync(request, cancellationToken);
                    await response.Content.ReadAsByteArrayAsync(cancellationToken);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref failures);
                }

                latencies[index] = Stopwatch.GetElapsedTime(intended).TotalMilliseconds;
            }, cancellationToken);
        }

        await Task.WhenAll(inFlight);
        return new LatencySample(latencies, failures, Stopwatch.GetElapsedTime(start));
    }

    /// <summary>
    /// Opens the connection pools with a bounded number of callers before the open loop starts, so that the measured
    /// phase is steady state and not a storm of first TLS handshakes.
    /// </summary>
    public static Task WarmAsync(HttpClient client, Uri target, string? host, int callers, int requestsPerCaller, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, callers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < requestsPerCaller; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, target);
                if (host is not null)
                {
                    request.Headers.Host = host;
                }

                using var response = await client.SendAsync(request, cancellationToken);
                await response.Content.ReadAsByteArrayAsync(cancellationToken);
            }
        }, cancellationToken)));

    // Timers fire with ~1 ms granularity: sleep until just before the send time, then yield until it arrives.
    private static async Task WaitUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        var remaining = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        if (remaining > TimeSpan.FromMilliseconds(2))
        {
            await Task.Delay(remaining - TimeSpan.FromMilliseconds(1), cancellationToken);
        }

        while (Stopwatch.GetTimestamp() < timestamp)
        {
            Thread.Yield();
        }
    }
}
