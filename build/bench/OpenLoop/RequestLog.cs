using System.Diagnostics;
using System.Globalization;

namespace Mesh.Bench.OpenLoop;

/// <summary>
/// The schedule and outcome of every request of a run, preallocated so that recording allocates nothing. Latency
/// runs from the request's intended send time: a request that had to wait for its connection or for a stalled
/// target counts that wait (no coordinated omission).
/// </summary>
internal sealed class RequestLog
{
    private readonly long _start;
    private readonly double _period;
    private readonly int[] _status;
    private readonly long[] _latencyTicks;
    private int _completed;
    private int _errored;

    public RequestLog(int count, double ratePerSecond, long start)
    {
        _start = start;
        _period = Stopwatch.Frequency / ratePerSecond;
        _status = new int[count];
        _latencyTicks = new long[count];
        EpochStartMicroseconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000 - (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }

    public int Count => _status.Length;

    public int Completed => Volatile.Read(ref _completed);

    public int Errored => Volatile.Read(ref _errored);

    private long EpochStartMicroseconds { get; }

    public long IntendedTimestamp(int index) => _start + (long)(index * _period);

    public void Complete(int index, int status, long now)
    {
        _status[index] = status;
        _latencyTicks[index] = now - IntendedTimestamp(index);
        Interlocked.Increment(ref _completed);
    }

    public void Fail(int index)
    {
        _status[index] = -1;
        Interlocked.Increment(ref _errored);
    }

    /// <summary>h2load's --log-file format: intended start (µs since the epoch), status, latency (µs); completed requests only.</summary>
    public void Write(TextWriter writer)
    {
        for (var i = 0; i < _status.Length; i++)
        {
            if (_status[i] > 0)
            {
                var intendedMicroseconds = EpochStartMicroseconds + (long)(i * _period * 1_000_000 / Stopwatch.Frequency);
                var latencyMicroseconds = _latencyTicks[i] * 1_000_000 / Stopwatch.Frequency;
                writer.Write(string.Create(CultureInfo.InvariantCulture, $"{intendedMicroseconds}\t{_status[i]}\t{latencyMicroseconds}\n"));
            }
        }
    }

    /// <summary>Counts of completed requests by status class: 2xx, 3xx, 4xx, 5xx.</summary>
    public (int Ok, int Redirect, int ClientError, int ServerError) StatusClasses()
    {
        var classes = new int[6];
        foreach (var status in _status)
        {
            if (status is >= 200 and < 600)
            {
                classes[status / 100]++;
            }
        }

        return (classes[2], classes[3], classes[4], classes[5]);
    }
}
