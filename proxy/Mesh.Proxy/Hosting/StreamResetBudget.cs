using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Hosting;

/// <summary>
/// HTTP/2 rapid reset, paced: a client that opens streams and resets them once the proxy has started on them costs an
/// upstream call each, and Kestrel's own limit only counts streams it is still tracking, so a client that resets one
/// stream at a time is never stopped. Each connection gets a budget of <see cref="MaxResetsPerSecond"/> streams reset
/// by the client before their answer; past it the connection is told to close (GOAWAY, then closed once its streams
/// are done), as Envoy closes a connection with too many premature resets.
/// </summary>
internal sealed class StreamResetBudget
{
    /// <summary>Client resets per connection per second before it is closed. 50: an ordinary client rarely cancels that often.</summary>
    public const int MaxResetsPerSecond = 50;

    private readonly TimeProvider _time;
    private readonly IConnectionLifetimeNotificationFeature? _lifetime;
    private readonly Lock _gate = new();
    private long _windowStart;
    private int _inWindow;
    private bool _closing;

    private StreamResetBudget(TimeProvider time, IConnectionLifetimeNotificationFeature? lifetime)
    {
        _time = time;
        _lifetime = lifetime;
        _windowStart = time.GetTimestamp();
    }

    /// <summary>A connection middleware that gives each connection its budget.</summary>
    public static Func<ConnectionDelegate, ConnectionDelegate> Middleware(TimeProvider time) => next => connection =>
    {
        connection.Features.Set(new StreamResetBudget(time, connection.Features.Get<IConnectionLifetimeNotificationFeature>()));
        return next(connection);
    };

    /// <summary>Counts a stream the client reset before it was answered (HTTP/2 only; an HTTP/1.1 hang-up ends its connection anyway).</summary>
    public static void OnClientReset(HttpContext context)
    {
        if (HttpProtocol.IsHttp2(context.Request.Protocol) && context.Features.Get<StreamResetBudget>() is { } budget)
        {
            budget.Count();
        }
    }

    private void Count()
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (_closing)
            {
                return;
            }

            if (_time.GetElapsedTime(_windowStart, now) >= TimeSpan.FromSeconds(1))
            {
                _windowStart = now;
                _inWindow = 0;
            }

            if (++_inWindow <= MaxResetsPerSecond)
            {
                return;
            }

            _closing = true;
        }

        _lifetime?.RequestClose();
    }
}
