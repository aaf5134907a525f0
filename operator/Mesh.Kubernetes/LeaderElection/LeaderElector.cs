using k8s.Models;
using Mesh.Kubernetes.Client;
using Microsoft.Extensions.Logging;

namespace Mesh.Kubernetes.LeaderElection;

/// <summary>
/// client-go's LeaderElector over a Lease. Expiry is judged by this process's clock from the moment it last saw
/// the lease change (not by the renewTime written by another machine), so clock skew between candidates does not
/// matter. Writes are optimistic: a 409 means another candidate wrote first.
/// </summary>
internal sealed partial class LeaderElector : ILeaderElector
{
    private readonly LeaseLock _lock;
    private readonly LeaderElectionOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private string? _observedResourceVersion;
    private DateTimeOffset _observedTime;
    private CancellationTokenSource? _leading;
    private volatile bool _isLeader;

    public LeaderElector(IKubernetesClient client, LeaderElectionOptions options, TimeProvider timeProvider, ILogger logger)
    {
        options.Validate();
        _lock = new LeaseLock(client, options.LeaseNamespace ?? client.DefaultNamespace, options.LeaseName);
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public event Action<CancellationToken>? OnStartedLeading;

    public event Action? OnStoppedLeading;

    public string Identity => _options.Identity;

    public bool IsLeader => _isLeader;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await AcquireAsync(cancellationToken);
                StartLeading();
                try
                {
                    await RenewUntilLostAsync(cancellationToken);
                }
                finally
                {
                    StopLeading();
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

    private async Task AcquireAsync(CancellationToken cancellationToken)
    {
        while (await TryAcquireOrRenewAsync(cancellationToken) != Attempt.Held)
        {
            // client-go's JitterUntil: the retry period plus up to 120%, so candidates do not move in lockstep.
            var delay = _options.RetryPeriod * (1 + (1.2 * Random.Shared.NextDouble()));
            await Task.Delay(delay, _timeProvider, cancellationToken);
        }
    }

    private async Task RenewUntilLostAsync(CancellationToken cancellationToken)
    {
        var renewed = _timeProvider.GetUtcNow();
        while (true)
        {
            await Task.Delay(_options.RetryPeriod, _timeProvider, cancellationToken);
            var attempt = await TryAcquireOrRenewAsync(cancellationToken);
            if (attempt == Attempt.Held)
            {
                renewed = _timeProvider.GetUtcNow();
                continue;
            }

            if (attempt == Attempt.HeldByOther)
            {
                LogLost(_logger, _options.Identity, _lock.Namespace, _lock.Name);
                return;
            }

            if (_timeProvider.GetUtcNow() - renewed >= _options.RenewDeadline)
            {
                LogRenewDeadline(_logger, _options.Identity, _options.RenewDeadline.TotalSeconds);
                return;
            }
        }
    }

    private async Task<Attempt> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = _timeProvider.GetUtcNow();
        var durationSeconds = (int)Math.Ceiling(_options.LeaseDuration.TotalSeconds);
        try
        {
            var lease = await _lock.GetAsync(cancellationToken);
            if (lease is null)
            {
                var created = await _lock.CreateAsync(new LeaseRecord(_options.Identity, durationSeconds, now, now, 0), cancellationToken);
                Observe(created, now);
                return Attempt.Held;
            }

            var spec = lease.Spec ?? new V1LeaseSpec();
            if (lease.Metadata.ResourceVersion != _observedResourceVersion)
            {
                Observe(lease, now);
            }

            var holder = spec.HolderIdentity;
            var heldByMe = holder == _options.Identity;
            if (!heldByMe && !string.IsNullOrEmpty(holder)
                && _observedTime + TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? durationSeconds) > now)
            {
                return Attempt.HeldByOther;
            }

            var updated = await _lock.UpdateAsync(lease, new LeaseRecord(
                _options.Identity,
                durationSeconds,
                heldByMe && spec.AcquireTime is { } acquired ? new DateTimeOffset(DateTime.SpecifyKind(acquired, DateTimeKind.Utc)) : now,
                now,
                heldByMe ? spec.LeaseTransitions ?? 0 : (spec.LeaseTransitions ?? 0) + 1), cancellationToken);
            Observe(updated, now);
            return Attempt.Held;
        }
        catch (KubernetesException e) when (e.IsConflict || e.IsAlreadyExists)
        {
            // Another candidate wrote between our read and our write: it won this round.
            return Attempt.HeldByOther;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogAttemptFailed(_logger, e, _options.Identity, _lock.Namespace, _lock.Name);
            return Attempt.Failed;
        }
    }

    private void Observe(V1Lease lease, DateTimeOffset now)
    {
        _observedResourceVersion = lease.Metadata.ResourceVersion;
        _observedTime = now;
    }

    private void StartLeading()
    {
        _leading = new CancellationTokenSource();
        _isLeader = true;
        LogStarted(_logger, _options.Identity, _lock.Namespace, _lock.Name);
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

    /// <summary>Gives the lease up if this candidate holds it, so the next leader need not wait for expiry.</summary>
    private async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(_options.RenewDeadline);
        try
        {
            var lease = await _lock.GetAsync(timeout.Token);
            if (lease?.Spec?.HolderIdentity != _options.Identity)
            {
                return;
            }

            var now = _timeProvider.GetUtcNow();
            await _lock.UpdateAsync(lease, new LeaseRecord(null, 1, now, now, lease.Spec.LeaseTransitions ?? 0), timeout.Token);
            LogReleased(_logger, _options.Identity, _lock.Namespace, _lock.Name);
        }
        catch (Exception e)
        {
            // The lease then expires on its own.
            LogAttemptFailed(_logger, e, _options.Identity, _lock.Namespace, _lock.Name);
        }
    }

    private enum Attempt
    {
        Held,
        HeldByOther,
        Failed,
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} became leader on lease {Namespace}/{Name}")]
    private static partial void LogStarted(ILogger logger, string identity, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} stopped leading")]
    private static partial void LogStopped(ILogger logger, string identity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Identity} lost lease {Namespace}/{Name} to another candidate")]
    private static partial void LogLost(ILogger logger, string identity, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Identity} could not renew its lease within {Seconds} s")]
    private static partial void LogRenewDeadline(ILogger logger, string identity, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Identity} released lease {Namespace}/{Name}")]
    private static partial void LogReleased(ILogger logger, string identity, string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Identity} failed to acquire or renew lease {Namespace}/{Name}")]
    private static partial void LogAttemptFailed(ILogger logger, Exception exception, string identity, string @namespace, string name);
}
