using System.Globalization;
using Prometheus;

namespace Mesh.Proxy.Telemetry;

/// <summary>
/// The request metrics of one (direction, destination service, subset, route), bound when a snapshot is built so that
/// a finished request records through child references without looking its labels up. A child per response code (and
/// code class) is made the first time that code is seen, so the export shows only series that have counted something.
/// </summary>
internal sealed class RequestSeries
{
    private const int CodesPerClass = 100;
    private const int Classes = 6;

    private static readonly string[] StatusCodes = Enumerable.Range(0, Classes * CodesPerClass).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();
    private static readonly string[] StatusClasses = ["0xx", "1xx", "2xx", "3xx", "4xx", "5xx"];

    private readonly Counter _requests;
    private readonly Histogram _duration;
    private readonly string[] _labels;

    // Indexed by class then code within it; a class's row is allocated when its first code is seen.
    private readonly Counter.Child?[]?[] _byCode = new Counter.Child?[Classes][];
    private readonly Histogram.Child?[] _byClass = new Histogram.Child?[Classes];
    private volatile bool _retired;

    public RequestSeries(Counter requests, Histogram duration, string direction, string sourceWorkload, string destinationService, string destinationSubset, string route)
    {
        _requests = requests;
        _duration = duration;
        _labels = [direction, sourceWorkload, destinationService, destinationSubset, route];
    }

    public string Direction => _labels[0];

    public string DestinationService => _labels[2];

    public string DestinationSubset => _labels[3];

    public string Route => _labels[4];

    public void Record(int statusCode, double seconds)
    {
        var code = statusCode is >= 0 and < Classes * CodesPerClass ? statusCode : 0;
        var codeClass = statusCode is >= 100 and < Classes * CodesPerClass ? statusCode / CodesPerClass : 0;
        var row = _byCode[code / CodesPerClass];
        var requests = row?[code % CodesPerClass] ?? BindCode(code);
        var duration = _byClass[codeClass] ?? BindClass(codeClass);
        requests?.Inc();
        duration?.Observe(seconds);
    }

    /// <summary>Removes every series this object published; a request still finishing on the old snapshot records nothing new.</summary>
    public void Retire()
    {
        _retired = true;
        for (var c = 0; c < Classes; c++)
        {
            if (Volatile.Read(ref _byCode[c]) is { } row)
            {
                for (var i = 0; i < row.Length; i++)
                {
                    Volatile.Read(ref row[i])?.Remove();
                }
            }

            Volatile.Read(ref _byClass[c])?.Remove();
        }
    }

    private Counter.Child? BindCode(int code)
    {
        if (_retired)
        {
            return null;
        }

        var row = Volatile.Read(ref _byCode[code / CodesPerClass]);
        if (row is null)
        {
            Interlocked.CompareExchange(ref _byCode[code / CodesPerClass], new Counter.Child?[CodesPerClass], null);
            row = Volatile.Read(ref _byCode[code / CodesPerClass])!;
        }

        // Two threads binding the same code get the same child from the family, so the race is harmless.
        var child = _requests.WithLabels([.. _labels, StatusCodes[code]]);
        Volatile.Write(ref row[code % CodesPerClass], child);
        return child;
    }

    private Histogram.Child? BindClass(int codeClass)
    {
        if (_retired)
        {
            return null;
        }

        var child = _duration.WithLabels([.. _labels, StatusClasses[codeClass]]);
        Volatile.Write(ref _byClass[codeClass], child);
        return child;
    }
}
