using k8s.Autorest;
using k8s.LeaderElection;
using Microsoft.Extensions.Logging;
using LibraryLeaderElector = k8s.LeaderElection.LeaderElector;

namespace Mesh.Kubernetes.LeaderElection;

/// <summary>
/// KubernetesClient's <see cref="LibraryLeaderElector"/> behind <see cref="ILeaderElector"/>. Around it: a token per
/// term of leadership, a new campaign when the library's run ends with an error it lets escape (a dropped
/// connection while campaigning), and the release of the lease on stop, which the library does not do.
/// </summary>
internal sealed partial class LeaderElector : ILeaderElector
{
    private readonly LibraryLeaderElector _elector;
    private readonly LeaseLock _lock;
    private readonly LeaderElectionOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private CancellationTokenSource? _leading;
    private volatile bool _isLeader;
    private CancellationToken _running;

    public LeaderElector(LeaseLock leaseLock, LeaderElectionOptions options, TimeProvider timeProvider, ILogger logger)
    {
        _lock = leaseLock;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        _elector = new LibraryLeaderElector(new LeaderElectionConfig(leaseLock)
        {
            LeaseDuration = options.LeaseDuration,
            RenewDeadline = options.RenewDeadline,
            RetryPeriod = options.RetryPeriod,
        });
        _elector.OnStartedLeading += StartLeading;
        _elector.OnStoppedLeading += StopLeading;
        _elector.OnNewLeader += leader => LogNewLeader(_logger, leader, _lock.Describe());
        _elector.OnError += OnError;
        _lock.OnHttpError += e => LogWriteRefused(_logger, _options.Identity, _lock.Describe(), (int)e.Response.StatusCode);
    }

    public event Action<CancellationToken>? OnStartedLeading;

    public event Action? OnStoppedLeading;

    public string Identity => _options.Identity;

    public bool IsLeader => _isLeader;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _running = cancellationToken;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await _elector.RunUntilLeadershipLostAsync(cancellationToken);
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    // The library catches only HTTP status errors while campaigning; anything else ends its run.
                    LogCampaignFailed(_logger, e, _options.Identity, _lock.Describe());
                    await Task.Delay(_options.RetryPeriod, _timeProvider, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            StopLeading();
            if (_options.ReleaseOnCancel)
            {
                await ReleaseAsync();
            }
        }
    }

    private void StartLeading()
    {
        _leading = new CancellationTokenSource();
        _isLeader = true;
        LogStarted(_logger, _options.Identity, _lock.Describe());
        OnStartedLeading?.Invoke(_leading.Token);
    }

    /// <summary>Leader-only work stops (its token is cancelled) before the lease is released to others.</summary>
    private void StopLeading()
    {
        if (!_isLeader)
        {
            return;
        }

        _isLeader = false;
        using (_leading)
        {
            _leading?.Cancel();
        }

        _leading = null;
        LogStopped(_logger, _options.Identity);
        OnStoppedLeading?.Invoke();
    }

    // The library reports its own cancellation on stop as an error too.
    private void OnError(Exception e)
    {
        if (!_running.IsCancellationRequested)
        {
            LogAttemptFailed(_logger, e, _options.Identity, _lock.Describe());
        }
    }

    /// <summary>
    /// Empties holderIdentity (client-go's release: duration 1 s, holder "") if this candidate holds the lease, so the
    /// next leader need not wait for it to expire. The write is conditional on the resourceVersion just read.
    /// </summary>
    private async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(_options.RenewDeadline, _timeProvider);
        try
        {
            var record = await _lock.GetAsync(timeout.Token);
            if (record?.HolderIdentity != _options.Identity)
            {
                return;
            }

            var now = _timeProvider.GetUtcNow().UtcDateTime;
            var released = new LeaderElectionRecord
            {
                HolderIdentity = "",
                LeaseDurationSeconds = 1,
                AcquireTime = now,
                RenewTime = now,
                LeaderTransitions = record.LeaderTransitions,
            };
            if (await _lock.UpdateAsync(released, timeout.Token))
            {
                LogReleased(_logger, _options.Identity, _lock.Describe());
            }
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or OperationCanceledException)
        {
            // The lease then expires on its own.
            LogAttemptFailed(_logger, e, _options.Identity, _lock.Describe());
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} became leader on lease {Lease}")]
    private static partial void LogStarted(ILogger logger, string identity, string lease);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} stopped leading")]
    private static partial void LogStopped(ILogger logger, string identity);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Leader} holds lease {Lease}")]
    private static partial void LogNewLeader(ILogger logger, string leader, string lease);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} released lease {Lease}")]
    private static partial void LogReleased(ILogger logger, string identity, string lease);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Identity}: writing lease {Lease} answered {StatusCode} (409: another candidate wrote first)")]
    private static partial void LogWriteRefused(ILogger logger, string identity, string lease, int statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Identity} failed to acquire or renew lease {Lease}")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception, string identity, string lease);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Identity}: the campaign for lease {Lease} failed; campaigning again after the retry period")]
    private static partial void LogCampaignFailed(ILogger logger, Exception exception, string identity, string lease);
}
