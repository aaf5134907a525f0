using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Proxy.Tests.Fixtures;

/// <summary>
/// A real h2c (HTTP/2 only) backend on 127.0.0.1 that holds each request until <c>hold</c> requests have arrived
/// (or a deadline passes) and records, per connection, the most requests it ever had in flight at once: the
/// concurrent streams its client opened on that connection. It announces Kestrel's default limit of 100 streams.
/// </summary>
public sealed class StreamCountingBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly int _hold;
    private readonly TimeSpan _deadline;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, int> _active = [];
    private readonly Dictionary<string, int> _peak = [];
    private readonly TaskCompletionSource _allArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    private StreamCountingBackend(WebApplication app, int hold, TimeSpan deadline)
    {
        _app = app;
        _hold = hold;
        _deadline = deadline;
    }

    public int Port { get; private set; }

    /// <summary>Whether <c>hold</c> requests were in flight together before the deadline.</summary>
    public bool AllHeldTogether => _allArrived.Task.IsCompletedSuccessfully;

    /// <summary>Per connection (Kestrel's id), the most requests it had in flight at once.</summary>
    public IReadOnlyDictionary<string, int> PeakStreams
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, int>(_peak);
            }
        }
    }

    public static async Task<StreamCountingBackend> StartAsync(int hold, TimeSpan deadline)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        var backend = new StreamCountingBackend(app, hold, deadline);
        app.Run(backend.HandleAsync);
        await app.StartAsync();
        backend.Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var connection = context.Connection.Id;
        lock (_lock)
        {
            var active = _active.GetValueOrDefault(connection) + 1;
            _active[connection] = active;
            _peak[connection] = Math.Max(active, _peak.GetValueOrDefault(connection));
            if (++_arrived >= _hold)
            {
                _allArrived.TrySetResult();
            }
        }

        try
        {
            await _allArrived.Task.WaitAsync(_deadline, context.RequestAborted);
        }
        catch (TimeoutException)
        {
            // Answered all the same: the test sees AllHeldTogether false and says why it failed.
        }
        finally
        {
            lock (_lock)
            {
                _active[connection]--;
            }
        }

        await context.Response.WriteAsync("ok", context.RequestAborted);
    }
}
