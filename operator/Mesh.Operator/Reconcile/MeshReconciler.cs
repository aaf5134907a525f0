using System.Threading.Channels;
using Mesh.Operator.Compiler;
using Mesh.Operator.ConfigServer;
using Mesh.Operator.Sources;
using Mesh.Operator.Telemetry;
using Mesh.Operator.Validation;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.Reconcile;

/// <summary>
/// The control loop: reads the source's first snapshot, then on every (debounced) change compiles the mesh,
/// publishes it to the config server (which pushes only to proxies whose config changed) and hands the
/// per-resource results to whatever reports them (status conditions, logs).
/// </summary>
internal sealed partial class MeshReconciler : BackgroundService
{
    private readonly IResourceSource _source;
    private readonly IConfigPublisher _publisher;
    private readonly IEnumerable<IReconcileResultSink> _sinks;
    private readonly OperatorMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly ReconcileOptions _options;
    private readonly ILogger<MeshReconciler> _logger;
    private readonly Channel<DateTimeOffset> _pending = Channel.CreateUnbounded<DateTimeOffset>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _firstPublished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _generation;

    // The last compile: the next one takes over the virtual hosts of hosts whose inputs did not change.
    private CompiledMesh? _previous;

    public MeshReconciler(
        IResourceSource source,
        IConfigPublisher publisher,
        IEnumerable<IReconcileResultSink> sinks,
        OperatorMetrics metrics,
        TimeProvider timeProvider,
        IOptions<ReconcileOptions> options,
        ILogger<MeshReconciler> logger)
    {
        _source = source;
        _publisher = publisher;
        _sinks = sinks;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
        _metrics.TrackReconcileQueue(() => _pending.Reader.Count);
    }

    /// <summary>Completes once the first snapshot is compiled and published; <c>/readyz</c> waits on it.</summary>
    public Task FirstPublished => _firstPublished.Task;

    /// <summary>The results of the last compile, for <c>/debug/resources</c>.</summary>
    public IReadOnlyList<ResourceResult> LastResults { get; private set; } = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var debouncer = new ChangeDebouncer(
            _timeProvider,
            _options.DebounceQuiet,
            _options.DebounceMax,
            seenAt => _pending.Writer.TryWrite(seenAt));
        _source.Changed += debouncer.Notify;
        try
        {
            await _source.StartAsync(stoppingToken);
            LogSourceSynced(_source.Description);

            // The first compile does not wait for the debounce: proxies and /readyz are waiting for it.
            Reconcile(_timeProvider.GetUtcNow());
            await foreach (var seenAt in _pending.Reader.ReadAllAsync(stoppingToken))
            {
                var oldest = seenAt;
                while (_pending.Reader.TryRead(out var more))
                {
                    oldest = more < oldest ? more : oldest;
                }

                Reconcile(oldest);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _source.Changed -= debouncer.Notify;
        }
    }

    private void Reconcile(DateTimeOffset changeSeenAt)
    {
        CompiledMesh compiled;
        var started = _timeProvider.GetTimestamp();
        try
        {
            compiled = MeshCompiler.Compile(_source.Current, new MeshCompilerOptions { RootNamespace = _options.RootNamespace }, _previous);
        }
        catch (Exception ex)
        {
            // The proxies keep the last published config.
            _metrics.ReconcileError("compile");
            LogCompileFailed(ex);
            return;
        }
        finally
        {
            _metrics.Compiled(_timeProvider.GetElapsedTime(started));
        }

        _previous = compiled;
        var compileTime = _timeProvider.GetElapsedTime(started);
        var generation = ++_generation;
        var publishing = _timeProvider.GetTimestamp();
        _publisher.Publish(new MeshConfigSnapshot(generation, changeSeenAt, new CompiledMeshGenerator(compiled)));
        var publishTime = _timeProvider.GetElapsedTime(publishing);
        _metrics.Published(publishTime);
        LastResults = compiled.Results;
        var rejected = compiled.Results.Count(result => !result.IsAccepted);
        LogReconciled(generation, compiled.Results.Count, rejected, (long)compileTime.TotalMilliseconds, (long)publishTime.TotalMilliseconds);
        foreach (var sink in _sinks)
        {
            try
            {
                sink.Report(generation, compiled.Results);
            }
            catch (Exception ex)
            {
                _metrics.ReconcileError("report");
                LogReportFailed(ex, sink.GetType().Name);
            }
        }

        _firstPublished.TrySetResult();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Source {Source} synced")]
    private partial void LogSourceSynced(string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "Generation {Generation} published: {Resources} mesh resources, {Rejected} rejected; compiled in {CompileMs} ms, assembled and queued in {PublishMs} ms")]
    private partial void LogReconciled(long generation, int resources, int rejected, long compileMs, long publishMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "Compiling the mesh failed; proxies keep their last config")]
    private partial void LogCompileFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reporting reconcile results through {Sink} failed")]
    private partial void LogReportFailed(Exception exception, string sink);
}
