using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Proxy.Config;

/// <summary>Runs every registered <see cref="IProxyConfigSource"/> for the lifetime of the host.</summary>
internal sealed partial class ConfigSourceService : BackgroundService
{
    private readonly IEnumerable<IProxyConfigSource> _sources;
    private readonly ILogger<ConfigSourceService> _logger;

    public ConfigSourceService(IEnumerable<IProxyConfigSource> sources, ILogger<ConfigSourceService> logger)
    {
        _sources = sources;
        _logger = logger;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(_sources.Select(source => RunAsync(source, stoppingToken)));

    private async Task RunAsync(IProxyConfigSource source, CancellationToken stoppingToken)
    {
        try
        {
            await source.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogSourceFailed(ex, source.GetType().Name);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Config source {Source} stopped; the last good config keeps serving")]
    private partial void LogSourceFailed(Exception exception, string source);
}
