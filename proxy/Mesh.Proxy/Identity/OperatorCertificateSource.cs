using Grpc.Core;
using Mesh.Api.V1;
using Mesh.Proxy.Config;
using Mesh.Proxy.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Proxy.Identity;

/// <summary>
/// The workload certificate from the operator's CA (<c>SignCertificate</c> at the discovery address): a key pair made
/// here, a CSR, the certificate swapped in whole. Renewal starts at 70% of the lifetime, so a failure leaves the rest
/// of it for retries with backoff while the current certificate keeps serving; connections already open are never
/// touched, new handshakes simply pick up the new certificate.
/// </summary>
internal sealed partial class OperatorCertificateSource : BackgroundService, IWorkloadCertificateSource
{
    private readonly ProxyOptions _options;
    private readonly WorkloadCertificateOptions _certificateOptions;
    private readonly WorkloadCredentials _credentials;
    private readonly TimeProvider _time;
    private readonly ILogger<OperatorCertificateSource> _logger;
    private WorkloadCertificate? _current;

    // A certificate chain and trust bundle: a few KiB, a rotated CA's roots at most a few more.
    private const int MaxResponseSize = 1024 * 1024;

    public OperatorCertificateSource(
        ProxyOptions options,
        IOptions<WorkloadCertificateOptions> certificateOptions,
        TimeProvider time,
        ILogger<OperatorCertificateSource> logger)
    {
        _options = options;
        _certificateOptions = certificateOptions.Value;
        _credentials = new WorkloadCredentials(options);
        _time = time;
        _logger = logger;
    }

    public WorkloadCertificate? Current => Volatile.Read(ref _current);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var address = _options.DiscoveryAddress ?? throw new InvalidOperationException("no discovery address");
        using var channel = DiscoveryChannel.Create(address, MaxResponseSize);
        var client = new ConfigDiscovery.ConfigDiscoveryClient(channel);
        var backoff = new ReconnectBackoff(_certificateOptions.InitialRetryDelay, _certificateOptions.MaxRetryDelay, Random.Shared);
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                var issued = await RequestAsync(client, stoppingToken);
                Volatile.Write(ref _current, issued);
                backoff.Reset();
                wait = RenewalDelay(issued);
                LogIssued(issued.SpiffeId, issued.Certificate.NotAfter.ToUniversalTime(), wait.TotalSeconds);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RpcException or HttpRequestException or IOException or InvalidDataException or OperationCanceledException)
            {
                wait = backoff.Next();
                var current = Current;
                if (current is null)
                {
                    LogFailedWithoutCertificate(address, ex.Message, wait.TotalMilliseconds);
                }
                else
                {
                    LogRenewalFailed(address, ex.Message, wait.TotalMilliseconds, current.Certificate.NotAfter.ToUniversalTime());
                }
            }

            try
            {
                await Task.Delay(wait, _time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>From now until <see cref="WorkloadCertificateOptions.RenewAtFraction"/> of the certificate's validity.</summary>
    internal TimeSpan RenewalDelay(WorkloadCertificate certificate)
    {
        var notBefore = new DateTimeOffset(certificate.Certificate.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(certificate.Certificate.NotAfter.ToUniversalTime());
        var renewAt = notBefore + ((notAfter - notBefore) * _certificateOptions.RenewAtFraction);
        var delay = renewAt - _time.GetUtcNow();
        return delay > TimeSpan.Zero ? delay : TimeSpan.Zero;
    }

    private async Task<WorkloadCertificate> RequestAsync(ConfigDiscovery.ConfigDiscoveryClient client, CancellationToken stoppingToken)
    {
        var headers = await _credentials.CreateMetadataAsync(stoppingToken);
        using var csr = CertificateSigningRequest.Create();
        using var timeout = new CancellationTokenSource(_certificateOptions.CallTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
        var request = new SignCertificateRequest
        {
            CsrPem = csr.Pem,
            TtlSeconds = (long)(_certificateOptions.RequestedLifetime?.TotalSeconds ?? 0),
        };
        var response = await client.SignCertificateAsync(request, headers, cancellationToken: linked.Token);
        return WorkloadCertificateFactory.Create(response, csr.Key, _time.GetUtcNow());
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Workload certificate for {SpiffeId} issued, valid until {NotAfter:o}; renewing in {RenewInSeconds:0} s")]
    private partial void LogIssued(string spiffeId, DateTime notAfter, double renewInSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No workload certificate yet: SignCertificate at {Address} failed ({Reason}); retrying in {DelayMs:0} ms")]
    private partial void LogFailedWithoutCertificate(Uri address, string reason, double delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the workload certificate at {Address} failed ({Reason}); retrying in {DelayMs:0} ms, the current one is valid until {NotAfter:o}")]
    private partial void LogRenewalFailed(Uri address, string reason, double delayMs, DateTime notAfter);
}
