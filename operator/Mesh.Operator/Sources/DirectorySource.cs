using Mesh.Kubernetes.Models;
using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.Sources;

/// <summary>
/// Local mode's source: the manifests in a directory, watched. Each file is read on its own; a file that cannot be
/// read (a YAML syntax error, a document that does not fit its kind) is reported and the resources of its last good
/// version are kept, so a half-saved edit never takes routes away from the proxies.
/// </summary>
internal sealed partial class DirectorySource : IResourceSource
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    private readonly DirectorySourceOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<DirectorySource> _logger;
    private readonly SemaphoreSlim _scanLock = new(1, 1);
    private readonly Dictionary<string, FileState> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ((DateTime Modified, long Length) Stamp, DateTimeOffset Since)> _unsettled = new(StringComparer.Ordinal);
    private FileSystemWatcher? _watcher;
    private ITimer? _pollTimer;
    private ITimer? _settleTimer;
    private CancellationToken _stopping;
    private volatile MeshSnapshot _current = MeshSnapshot.Empty;
    private volatile IReadOnlyList<SourceProblem> _problems = [];
    private volatile bool _synced;

    public DirectorySource(IOptions<DirectorySourceOptions> options, TimeProvider timeProvider, ILogger<DirectorySource> logger)
    {
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public string Description => "dir:" + _options.Path;

    public bool HasSynced => _synced;

    public MeshSnapshot Current => _current;

    public IReadOnlyList<SourceProblem> Problems => _problems;

    public event Action? Changed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_options.Path))
        {
            throw new DirectoryNotFoundException($"The manifest directory '{_options.Path}' does not exist.");
        }

        _stopping = cancellationToken;
        await ScanAsync(cancellationToken);
        _synced = true;

        _watcher = new FileSystemWatcher(_options.Path)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.DirectoryName,
        };
        _watcher.Changed += OnFileSystemEvent;
        _watcher.Created += OnFileSystemEvent;
        _watcher.Deleted += OnFileSystemEvent;
        _watcher.Renamed += OnFileSystemEvent;
        _settleTimer = _timeProvider.CreateTimer(_ => TriggerScan(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _watcher.EnableRaisingEvents = true;
        _pollTimer = _timeProvider.CreateTimer(_ => TriggerScan(), null, _options.PollInterval, _options.PollInterval);
    }

    // A save is often a truncate followed by writes, each raising an event: scan once they pause.
    private void OnFileSystemEvent(object sender, FileSystemEventArgs e) =>
        _settleTimer?.Change(_options.SettleDelay, Timeout.InfiniteTimeSpan);

    private void TriggerScan() => _ = ScanInBackgroundAsync();

    private async Task ScanInBackgroundAsync()
    {
        try
        {
            await ScanAsync(_stopping);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogScanFailed(ex, _options.Path);
        }
    }

    /// <summary>Reads every file whose size or modification time changed; publishes a new snapshot if any did.</summary>
    internal async Task ScanAsync(CancellationToken cancellationToken)
    {
        await _scanLock.WaitAsync(cancellationToken);
        try
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var changed = false;
            foreach (var path in EnumerateManifests())
            {
                seen.Add(path);
                changed |= Refresh(path);
            }

            foreach (var gone in _files.Keys.Where(path => !seen.Contains(path)).ToList())
            {
                _files.Remove(gone);
                _unsettled.Remove(gone);
                LogFileRemoved(gone);
                changed = true;
            }

            if (changed || !_synced)
            {
                Publish();
            }
        }
        finally
        {
            _scanLock.Release();
        }
    }

    private IEnumerable<string> EnumerateManifests() =>
        Directory.EnumerateFiles(_options.Path, "*", SearchOption.AllDirectories)
            .Where(path => Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase))
            .Where(path => !Path.GetFileName(path).StartsWith('.'))
            .Order(StringComparer.Ordinal);

    private bool Refresh(string path)
    {
        FileInfo info;
        try
        {
            info = new FileInfo(path);
        }
        catch (IOException)
        {
            return false;
        }

        var stamp = (info.LastWriteTimeUtc, info.Exists ? info.Length : -1);
        if (_files.TryGetValue(path, out var known) && known.Stamp == stamp)
        {
            _unsettled.Remove(path);
            return false;
        }

        if (_synced && !HasSettled(path, stamp))
        {
            return false;
        }

        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException ex)
        {
            // Being written or replaced right now; the next notification or poll reads it again.
            LogFileUnreadable(path, ex.Message);
            return false;
        }

        var loaded = ManifestLoader.LoadText(path, text);
        var errors = loaded.Problems.Where(problem => problem.IsError)
            .Select(problem => new SourceProblem($"{problem.File}:{problem.Line}", problem.Message))
            .ToList();
        if (errors.Count > 0)
        {
            LogFileInvalid(path, errors.Count, errors[0].Message, known is not null);
            _files[path] = new FileState(stamp, known?.Resources ?? [], errors);
            return true;
        }

        _files[path] = new FileState(stamp, [.. loaded.Resources.Select(resource => resource.Object)], []);
        LogFileLoaded(path, loaded.Resources.Count);
        return true;
    }

    /// <summary>
    /// A changed file is read only once it has kept the same size and modification time for the settle delay: a save
    /// is often a truncate followed by writes, and reading in between would take an empty or partial file for the new
    /// version (and then keep it as the last good one). Until then the scan is repeated after the delay.
    /// </summary>
    private bool HasSettled(string path, (DateTime Modified, long Length) stamp)
    {
        var now = _timeProvider.GetUtcNow();
        if (_unsettled.TryGetValue(path, out var seen) && seen.Stamp == stamp)
        {
            if (now - seen.Since >= _options.SettleDelay)
            {
                _unsettled.Remove(path);
                return true;
            }
        }
        else
        {
            _unsettled[path] = (stamp, now);
        }

        _settleTimer?.Change(_options.SettleDelay, Timeout.InfiniteTimeSpan);
        return false;
    }

    private void Publish()
    {
        _current = MeshSnapshot.From(_files.Values.SelectMany(file => file.Resources));
        _problems = [.. _files.Values.SelectMany(file => file.Problems)];

        // The first scan is the initial sync, not a change: the reconciler compiles it as soon as StartAsync returns.
        if (_synced)
        {
            Changed?.Invoke();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _watcher?.Dispose();
        if (_pollTimer is not null)
        {
            await _pollTimer.DisposeAsync();
        }

        if (_settleTimer is not null)
        {
            await _settleTimer.DisposeAsync();
        }

        _scanLock.Dispose();
    }

    private sealed record FileState((DateTime Modified, long Length) Stamp, IReadOnlyList<IKubernetesObject> Resources, IReadOnlyList<SourceProblem> Problems);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} resources from {File}")]
    private partial void LogFileLoaded(string file, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File} has {Count} errors (first: {FirstError}); keeping its last good resources: {KeptLastGood}")]
    private partial void LogFileInvalid(string file, int count, string firstError, bool keptLastGood);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{File} could not be read yet: {Reason}")]
    private partial void LogFileUnreadable(string file, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{File} was removed; its resources are gone")]
    private partial void LogFileRemoved(string file);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scanning {Directory} failed")]
    private partial void LogScanFailed(Exception exception, string directory);
}
