using System.Diagnostics;
using System.Net;

namespace Mesh.Demo;

/// <summary>Requests sent through the sidecar's outbound listener as an HTTP proxy (absolute-form, like curl -x).</summary>
internal sealed class Traffic : IDisposable
{
    private readonly HttpClient _client;

    public Traffic(Uri outboundListener)
    {
        _client = new HttpClient(new SocketsHttpHandler
        {
            Proxy = new WebProxy(outboundListener),
            UseProxy = true,
            MaxConnectionsPerServer = 16,
        })
        {
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>Sends <paramref name="count"/> GETs, 16 at a time; tallies who answered (or the status when it failed).</summary>
    public async Task<Sample> SendAsync(string url, int count, string? endUser, CancellationToken cancellationToken)
    {
        var sample = new Sample();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (_, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            if (endUser is not null)
            {
                request.Headers.Add("end-user", endUser);
            }

            var started = Stopwatch.GetTimestamp();
            string outcome;
            try
            {
                using var response = await _client.SendAsync(request, ct);
                outcome = response.IsSuccessStatusCode && response.Headers.TryGetValues("x-served-by", out var servedBy)
                    ? servedBy.Single()
                    : $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException ex)
            {
                outcome = "error: " + ex.Message;
            }

            sample.Add(outcome, Stopwatch.GetElapsedTime(started));
        });
        return sample;
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>Who answered how many requests, and how long they took.</summary>
internal sealed class Sample
{
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);
    private readonly List<TimeSpan> _latencies = [];
    private readonly Lock _gate = new();

    public int Total
    {
        get
        {
            lock (_gate)
            {
                return _latencies.Count;
            }
        }
    }

    public void Add(string outcome, TimeSpan latency)
    {
        lock (_gate)
        {
            _counts[outcome] = _counts.GetValueOrDefault(outcome) + 1;
            _latencies.Add(latency);
        }
    }

    public int Count(string outcome)
    {
        lock (_gate)
        {
            return _counts.GetValueOrDefault(outcome);
        }
    }

    public double Percent(string outcome) => Total == 0 ? 0 : 100.0 * Count(outcome) / Total;

    public IReadOnlyDictionary<string, int> Counts()
    {
        lock (_gate)
        {
            return new Dictionary<string, int>(_counts, StringComparer.Ordinal);
        }
    }

    public TimeSpan Median()
    {
        lock (_gate)
        {
            var sorted = _latencies.Order().ToList();
            return sorted.Count == 0 ? TimeSpan.Zero : sorted[sorted.Count / 2];
        }
    }
}
