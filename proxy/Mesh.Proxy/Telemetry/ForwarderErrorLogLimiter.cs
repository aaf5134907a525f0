using Serilog.Core;
using Serilog.Events;

namespace Mesh.Proxy.Telemetry;

/// <summary>
/// Lets through at most <see cref="PerSecond"/> of YARP's per-request forwarding error logs each second. A client can
/// cause one per request (a reset stream, a malformed body, a hang-up), each with a stack trace: unlimited, an HTTP/2
/// rapid reset flood becomes a log flood. The access log and the metrics still record every request.
/// </summary>
internal sealed class ForwarderErrorLogLimiter : ILogEventFilter
{
    public const int PerSecond = 5;
    private const string ForwarderCategory = "Yarp.ReverseProxy.Forwarder.HttpForwarder";

    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private long _windowStart;
    private int _inWindow;

    public ForwarderErrorLogLimiter(TimeProvider time)
    {
        _time = time;
        _windowStart = time.GetTimestamp();
    }

    public bool IsEnabled(LogEvent logEvent)
    {
        if (!logEvent.Properties.TryGetValue(Constants.SourceContextPropertyName, out var source)
            || source is not ScalarValue { Value: ForwarderCategory })
        {
            return true;
        }

        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_time.GetElapsedTime(_windowStart, now) >= TimeSpan.FromSeconds(1))
            {
                _windowStart = now;
                _inWindow = 0;
            }

            return ++_inWindow <= PerSecond;
        }
    }
}
