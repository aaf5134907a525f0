using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Mesh.Kubernetes.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using KubernetesException = Mesh.Kubernetes.Client.KubernetesException;

namespace Mesh.Operator.WebhookTls;

/// <summary>
/// Kube mode without certificate files: the CA and serving certificate live in a Secret every replica shares. The
/// first replica to find no Secret creates one (a 409 means another won: theirs is read); whoever finds the serving
/// certificate due renews it (a 409 on update likewise). Every sync serves the Secret's certificate and sets the
/// webhook configuration's caBundle to its CA. A sync runs at start, every <see cref="WebhookTlsOptions.ResyncInterval"/>
/// and exactly when the certificate falls due, on timers of the injected <see cref="TimeProvider"/>.
/// </summary>
internal sealed class SelfManagedCertificates : IHostedService, IDisposable
{
    /// <summary>Create-or-update attempts in one sync before giving up on a Secret others keep changing.</summary>
    private const int MaxAttempts = 3;

    private readonly IKubernetesClient _client;
    private readonly WebhookCertificateStore _store;
    private readonly WebhookTlsOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<SelfManagedCertificates> _logger;
    private readonly CaBundlePatcher _patcher;
    private readonly IReadOnlyList<string> _dnsNames;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _timer;

    public SelfManagedCertificates(IKubernetesClient client, WebhookCertificateStore store, IOptions<WebhookTlsOptions> options, TimeProvider clock, ILogger<SelfManagedCertificates> logger)
    {
        _client = client;
        _store = store;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        _patcher = new CaBundlePatcher(client, logger);
        _dnsNames = CertificateFactory.ServiceDnsNames(_options.ServiceName, _options.Namespace);
    }

    /// <summary>Syncs once before the listeners start, so that the first admission request finds a certificate.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _timer = _clock.CreateTimer(_ => _ = RunAsync(_stopping.Token), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        await RunAsync(linked.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        _timer?.Dispose();
    }

    public void Dispose()
    {
        _timer?.Dispose();
        _stopping.Dispose();
        _gate.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        TimeSpan next;
        try
        {
            await _gate.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            next = await SyncAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (ex is KubernetesException or HttpRequestException or IOException or System.Text.Json.JsonException or InvalidOperationException)
        {
            next = _options.RetryDelay < _options.ResyncInterval ? _options.RetryDelay : _options.ResyncInterval;
            WebhookTlsLog.SyncFailed(_logger, next, ex);
        }
        finally
        {
            _gate.Release();
        }

        if (!cancellationToken.IsCancellationRequested)
        {
            _timer?.Change(next, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>One convergence step; returns when the next one is due.</summary>
    private async Task<TimeSpan> SyncAsync(CancellationToken cancellationToken)
    {
        var bundle = await EnsureSecretAsync(cancellationToken);
        if (_store.Set(bundle.Serving))
        {
            WebhookTlsLog.Serving(_logger, "Secret", bundle.Serving.Subject, bundle.Serving.Thumbprint, bundle.Serving.NotAfter.ToUniversalTime());
        }
        await _patcher.EnsureAsync(_options.ConfigurationName, bundle.AuthorityPem, cancellationToken);

        var untilRenewal = bundle.RenewAt(_options.RenewWhenRemaining) - _clock.GetUtcNow();
        var next = untilRenewal < _options.ResyncInterval ? untilRenewal : _options.ResyncInterval;
        return next > TimeSpan.FromSeconds(1) ? next : TimeSpan.FromSeconds(1);
    }

    private async Task<WebhookCertificateBundle> EnsureSecretAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var now = _clock.GetUtcNow();
            var secret = await TryGetSecretAsync(cancellationToken);
            if (secret is null)
            {
                var created = WebhookCertificateBundle.Create(_dnsNames, now, _options);
                try
                {
                    var fresh = NewSecret(created);
                    await _client.CallAsync(api => api.CoreV1.CreateNamespacedSecretAsync(fresh, _options.Namespace, cancellationToken: cancellationToken));
                    WebhookTlsLog.SecretCreated(_logger, _options.Namespace, _options.SecretName);
                    return created;
                }
                catch (KubernetesException ex) when (ex.IsAlreadyExists || ex.IsConflict)
                {
                    WebhookTlsLog.SecretCreatedElsewhere(_logger, _options.Namespace, _options.SecretName);
                    continue;
                }
            }

            var bundle = WebhookCertificateBundle.Read(secret.Data?.AsReadOnly(), out var problem);
            var reason = bundle is null ? $"the Secret is unusable: {problem}" : bundle.RenewalReason(_dnsNames, now, _options.RenewWhenRemaining);
            if (reason is null)
            {
                return bundle!;
            }

            var renewed = bundle is null || bundle.AuthorityIsDue(now, _options.RenewWhenRemaining)
                ? WebhookCertificateBundle.Create(_dnsNames, now, _options)
                : bundle.Renew(_dnsNames, now, _options.ServingLifetime);
            try
            {
                var patch = RenewalPatch(secret.Metadata.ResourceVersion, renewed);
                await _client.CallAsync(api => api.CoreV1.PatchNamespacedSecretAsync(patch, _options.SecretName, _options.Namespace, cancellationToken: cancellationToken));
                WebhookTlsLog.SecretRenewed(_logger, _options.Namespace, _options.SecretName, reason);
                return renewed;
            }
            catch (KubernetesException ex) when (ex.IsConflict)
            {
                WebhookTlsLog.SecretUpdatedElsewhere(_logger, _options.Namespace, _options.SecretName);
            }
        }

        throw new InvalidOperationException($"The Secret {_options.Namespace}/{_options.SecretName} kept changing under {MaxAttempts} attempts to write it.");
    }

    /// <summary>
    /// A merge patch of the bundle's keys, conditional on the resourceVersion read (409 when another replica wrote
    /// first): the Secret's other keys, labels and fields stay as they are.
    /// </summary>
    private static V1Patch RenewalPatch(string resourceVersion, WebhookCertificateBundle renewed)
    {
        var data = new JsonObject();
        foreach (var (key, value) in renewed.ToSecretData())
        {
            data[key] = Convert.ToBase64String(value);
        }

        var patch = new JsonObject { ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion }, ["data"] = data };
        return new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch);
    }

    private async Task<V1Secret?> TryGetSecretAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _client.CallAsync(api => api.CoreV1.ReadNamespacedSecretAsync(_options.SecretName, _options.Namespace, cancellationToken: cancellationToken));
        }
        catch (KubernetesException ex) when (ex.IsNotFound)
        {
            return null;
        }
    }

    private V1Secret NewSecret(WebhookCertificateBundle bundle) => new()
    {
        ApiVersion = V1Secret.KubeApiVersion,
        Kind = V1Secret.KubeKind,
        Metadata = new()
        {
            Name = _options.SecretName,
            NamespaceProperty = _options.Namespace,
            Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "mesh-operator", ["app.kubernetes.io/component"] = "webhook-tls" },
        },
        Type = "kubernetes.io/tls",
        Data = bundle.ToSecretData(),
    };
}
