using Mesh.Proxy.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Proxy.Config;

/// <summary>
/// Serves a static config file and re-applies it whenever it changes. A file that cannot be read or parsed, or
/// whose config is NACKed, is logged and the last good config keeps serving.
/// </summary>
internal sealed partial class FileConfigSource : IProxyConfigSource
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(100);

    private readonly string _path;
    private readonly IConfigApplier _applier;
    private readonly TimeProvider _time;
    private readonly ILogger<FileConfigSource> _logger;

    public FileConfigSource(ProxyOptions options, IConfigApplier applier, TimeProvider time, ILogger<FileConfigSource> logger)
    {
        _path = Path.GetFullPath(options.ConfigFile ?? throw new ArgumentException("no config file", nameof(options)));
        _applier = applier;
        _time = time;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var changed = new SemaphoreSlim(0);
        using var watcher = new FileSystemWatcher(Path.GetDirectoryName(_path)!, Path.GetFileName(_path))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        FileSystemEventHandler onChange = (_, _) => changed.Release();
        watcher.Changed += onChange;
        watcher.Created += onChange;
        watcher.Renamed += (_, _) => changed.Release();
        watcher.EnableRaisingEvents = true;

        await LoadAsync(cancellationToken);
        while (!cancellationToken.IsCancellationRequested)
        {
            await changed.WaitAsync(cancellationToken);

            // Editors and atomic writers raise several events per save; settle, then read once.
            await Task.Delay(Debounce, _time, cancellationToken);
            while (changed.CurrentCount > 0)
            {
                await changed.WaitAsync(cancellationToken);
            }

            await LoadAsync(cancellationToken);
        }
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(_path, cancellationToken);
        }
        catch (IOException ex)
        {
            LogUnreadable(_path, ex.Message);
            return;
        }
        catch (UnauthorizedAccessException ex)
        {
            LogUnreadable(_path, ex.Message);
            return;
        }

        try
        {
            var (version, config) = StaticConfigFile.Parse(text);
            if (version == _applier.CurrentVersion)
            {
                return;
            }

            var result = _applier.Apply(version, config);
            if (!result.Accepted)
            {
                LogRejected(_path, result.Error!);
            }
        }
        catch (InvalidProxyConfigException ex)
        {
            LogRejected(_path, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Config file {Path} cannot be read, keeping the last good config: {Reason}")]
    private partial void LogUnreadable(string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Config file {Path} rejected, keeping the last good config: {Reason}")]
    private partial void LogRejected(string path, string reason);
}
