using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.WebhookTls;

/// <summary>
/// Serves the certificate of <see cref="WebhookTlsOptions.CertFile"/>/<see cref="WebhookTlsOptions.KeyFile"/> and
/// reloads it when they change. cert-manager (through the kubelet) updates a mounted Secret by writing a new
/// timestamped directory and swapping the <c>..data</c> symlink, so the directory is watched, not the files; a
/// poll on <see cref="WebhookTlsOptions.FilePollInterval"/> covers volumes whose events never arrive. A pair that
/// cannot be read, or whose key does not match, leaves the last good certificate in service.
/// </summary>
internal sealed class FileCertificateSource : IHostedService, IDisposable
{
    private readonly WebhookCertificateStore _store;
    private readonly WebhookTlsOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<FileCertificateSource> _logger;
    private readonly Lock _gate = new();
    private readonly List<FileSystemWatcher> _watchers = [];
    private ITimer? _poll;
    private string? _problem;

    public FileCertificateSource(WebhookCertificateStore store, IOptions<WebhookTlsOptions> options, TimeProvider clock, ILogger<FileCertificateSource> logger)
    {
        _store = store;
        _options = options.Value;
        _clock = clock;
        _logger = logger;
        if (_options.CertFile is null || _options.KeyFile is null)
        {
            throw new InvalidOperationException("The file certificate source needs both CertFile and KeyFile.");
        }
    }

    /// <summary>Why the files are not in service right now (null when the served certificate is theirs).</summary>
    public string? Problem
    {
        get
        {
            lock (_gate)
            {
                return _problem;
            }
        }
    }

    /// <summary>Reads a PEM pair; throws <see cref="ArgumentException"/> naming the flags when it is unusable.</summary>
    public static X509Certificate2 Load(string certFile, string keyFile)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(certFile, keyFile);
        }
        catch (Exception ex) when (IsUnusablePair(ex))
        {
            throw new ArgumentException($"--webhook-cert-file/--webhook-key-file: {ex.Message}", ex);
        }
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var directory in new[] { _options.CertFile!, _options.KeyFile! }.Select(f => Path.GetDirectoryName(Path.GetFullPath(f))!).Distinct(StringComparer.Ordinal))
        {
            var watcher = new FileSystemWatcher(directory)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            watcher.Changed += (_, _) => Reload();
            watcher.Created += (_, _) => Reload();
            watcher.Deleted += (_, _) => Reload();
            watcher.Renamed += (_, _) => Reload();
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }

        _poll = _clock.CreateTimer(_ => Reload(), null, _options.FilePollInterval, _options.FilePollInterval);
        Reload();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _poll?.Dispose();
        StopWatching();
    }

    /// <summary>Ends the directory watch, leaving the poll (what remains on volumes without file-system events).</summary>
    internal void StopWatching()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        _watchers.Clear();
    }

    private void Reload()
    {
        // Events come in bursts (one per file and symlink); serialising them keeps the store's swaps in order.
        lock (_gate)
        {
            try
            {
                var certificate = X509Certificate2.CreateFromPemFile(_options.CertFile!, _options.KeyFile);
                if (_store.Set(certificate))
                {
                    WebhookTlsLog.Serving(_logger, "files", certificate.Subject, certificate.Thumbprint, certificate.NotAfter.ToUniversalTime());
                }
                else
                {
                    certificate.Dispose();
                }

                _problem = null;
            }
            catch (Exception ex) when (IsUnusablePair(ex))
            {
                // A pair caught half-written reports here too; reported once per distinct problem, not per poll.
                if (_problem != ex.Message)
                {
                    _problem = ex.Message;
                    WebhookTlsLog.FilesUnusable(_logger, _options.CertFile!, _options.KeyFile!, ex.Message);
                }
            }
        }
    }

    private static bool IsUnusablePair(Exception ex) =>
        ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException;
}
