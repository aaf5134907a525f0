using Mesh.Proxy.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Proxy.Lifecycle;

/// <summary>
/// Graceful shutdown on SIGTERM or POST /quitquitquit. Before the server stops, the proxy listeners refuse new
/// connections, /ready answers 503, and in-flight requests get up to the drain timeout to finish; then Kestrel
/// stops and aborts whatever is left.
/// </summary>
internal sealed partial class DrainService : IHostedLifecycleService
{
    private readonly DrainState _drain;
    private readonly ProxyOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<DrainService> _logger;

    public DrainService(DrainState drain, ProxyOptions options, TimeProvider time, ILogger<DrainService> logger)
    {
        _drain = drain;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        LogDraining(_drain.InFlight, _options.DrainTimeout);
        try
        {
            await _drain.BeginDrain().WaitAsync(_options.DrainTimeout, _time, cancellationToken);
            LogDrained();
        }
        catch (TimeoutException)
        {
            LogDrainTimedOut(_drain.InFlight);
        }
        catch (OperationCanceledException)
        {
            LogDrainTimedOut(_drain.InFlight);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Draining: {InFlight} requests in flight, up to {DrainTimeout}")]
    private partial void LogDraining(int inFlight, TimeSpan drainTimeout);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drained: no request in flight")]
    private partial void LogDrained();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drain timeout: {InFlight} requests still in flight are aborted")]
    private partial void LogDrainTimedOut(int inFlight);
}
