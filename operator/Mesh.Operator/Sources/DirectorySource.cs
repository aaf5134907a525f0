using k8s;
using k8s.Models;
using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.Sources;

/// <summary>
/// Local mode's source: the manifests in a directory, watched. Each file is read on its own; a file that cannot be
/// read (a YAML syntax error, a document that does not fit its kind) is reported and the resources of its last good
/// version are kept, so a half-saved edit never takes routes away from the proxies. A changed file is taken only once
/// it is quiet and, if it lost resources, confirmed by a second read (<see cref="FileSettleRule"/>); a file renamed
/// into place is complete when it appears and is taken at once.
/// </summary>
internal sealed partial class DirectorySource : IResourceSource
{
    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    // How soon after a file-system notification the directory is looked at: enough to coalesce the events of one write.
    private static readonly TimeSpan NoticeDelay = TimeSpan.FromMilliseconds(50);

    private readonly DirectorySourceOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<DirectorySource> _logger;
    private readonly SemaphoreSlim _scanLock = new(1, 1);
    private readonly Dictionary<string, FileState> _files = new(StringComparer.Ordinal);

    // Per file, what its documents were read into: a rewritten file re-reads only the documents that changed.
    private readonly Dictionary<string, ManifestDocumentCache> _documents = new(StringComparer.Ordinal);
    private readonly FileSettleRule _settle;
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
        _settle = new FileSettleRule(_options.QuietPeriod, _options.ShrinkConfirmDelay, timeProvider);
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
        _watcher.Renamed += OnRenamed;
        _settleTimer = _timeProvider.CreateTimer(_ => TriggerScan(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _watcher.EnableRaisingEvents = true;
        _pollTimer = _timeProvider.CreateTimer(_ => TriggerScan(), null, _options.PollInterval, _options.PollInterval);
    }

    // A save is often a truncate followed by writes, each raising an event: look once they pause; the settle rule
    // then decides when the file is taken.
    private void OnFileSystemEvent(object sender, FileSystemEventArgs e) =>
        _settleTimer?.Change(NoticeDelay, Timeout.InfiniteTimeSpan);

    // An atomic rename is the one event a writer raises once it has finished: the file is read now, not after the
    // notice delay and the quiet period. Its stamp is taken here, so a write in place after the rename is waited for.
    private void OnRenamed(object sender, RenamedEventArgs e)
    {
        if (IsManifest(e.FullPath))
        {
            try
            {
                var info = new FileInfo(e.FullPath);
                if (info.Exists)
                {
                    _settle.Arrived(e.FullPath, new FileStamp(info.LastWriteTimeUtc, info.Length));
                    TriggerScan();
                    return;
                }
            }
            catch (IOException)
            {
                // Gone again already: the scan the notice starts finds out.
            }
        }

        OnFileSystemEvent(sender, e);
    }

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
            var recheckIn = Timeout.InfiniteTimeSpan;
            foreach (var path in EnumerateManifests())
            {
                seen.Add(path);
                changed |= Refresh(path, out var fileRecheck);
                if (fileRecheck > TimeSpan.Zero && (recheckIn == Timeout.InfiniteTimeSpan || fileRecheck < recheckIn))
                {
                    recheckIn = fileRecheck;
                }
            }

            if (recheckIn != Timeout.InfiniteTimeSpan)
            {
                _settleTimer?.Change(recheckIn, Timeout.InfiniteTimeSpan);
            }

            foreach (var gone in _documents.Keys.Where(path => !seen.Contains(path)).ToList())
            {
                _documents.Remove(gone);
            }

            foreach (var gone in _files.Keys.Where(path => !seen.Contains(path)).ToList())
            {
                _files.Remove(gone);
                _settle.Forget(gone);
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
            .Where(IsManifest)
            .Order(StringComparer.Ordinal);

    private static bool IsManifest(string path) =>
        Extensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase) && !Path.GetFileName(path).StartsWith('.');

    private bool Refresh(string path, out TimeSpan recheckIn)
    {
        recheckIn = TimeSpan.Zero;
        FileInfo info;
        try
        {
            info = new FileInfo(path);
        }
        catch (IOException)
        {
            return false;
        }

        var stamp = new FileStamp(info.LastWriteTimeUtc, info.Exists ? info.Length : -1);
        if (_files.TryGetValue(path, out var known) && known.Stamp == stamp)
        {
            _settle.Forget(path);
            return false;
        }

        if (_synced && !_settle.IsQuiet(path, stamp, out recheckIn))
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

        if (!_documents.TryGetValue(path, out var documents))
        {
            documents = new ManifestDocumentCache();
            _documents.Add(path, documents);
        }

        var loaded = ManifestLoader.LoadText(path, text, documents);
        var errors = loaded.Problems.Where(problem => problem.IsError)
            .Select(problem => new SourceProblem($"{problem.File}:{problem.Line}", problem.Message))
            .ToList();
        if (errors.Count > 0)
        {
            LogFileInvalid(path, errors.Count, errors[0].Message, known is not null);
            _files[path] = new FileState(stamp, known?.Resources ?? [], errors);
            return true;
        }

        var resources = loaded.Resources.Select(resource => resource.Object).ToList();
        var lost = known is null ? 0 : known.Resources.Select(Identity).Except(resources.Select(Identity)).Count();
        if (_synced && !_settle.MayPublish(path, stamp, text, lost > 0, out recheckIn))
        {
            LogShrinkUnconfirmed(path, lost, recheckIn.TotalMilliseconds);
            return false;
        }

        _files[path] = new FileState(stamp, resources, []);
        LogFileLoaded(path, resources.Count);
        return true;
    }

    private static (string? Kind, string? Namespace, string? Name) Identity(IKubernetesObject<V1ObjectMeta> resource) =>
        (resource.Kind, resource.Metadata.NamespaceProperty, resource.Metadata.Name);

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

    private sealed record FileState(FileStamp Stamp, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Resources, IReadOnlyList<SourceProblem> Problems);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} resources from {File}")]
    private partial void LogFileLoaded(string file, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{File} has {Count} errors (first: {FirstError}); keeping its last good resources: {KeptLastGood}")]
    private partial void LogFileInvalid(string file, int count, string firstError, bool keptLastGood);

    [LoggerMessage(Level = LogLevel.Information, Message = "{File} would drop {Lost} resources; reading it again in {DelayMs} ms before taking it")]
    private partial void LogShrinkUnconfirmed(string file, int lost, double delayMs);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{File} could not be read yet: {Reason}")]
    private partial void LogFileUnreadable(string file, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{File} was removed; its resources are gone")]
    private partial void LogFileRemoved(string file);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scanning {Directory} failed")]
    private partial void LogScanFailed(Exception exception, string directory);
}
