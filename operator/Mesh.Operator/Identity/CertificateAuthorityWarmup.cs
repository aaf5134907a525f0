using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Operator.Identity;

/// <summary>
/// Loads (or generates) the CA at start so the first proxy does not wait for it, and says where the local bootstrap
/// token is. A failure is logged, not fatal: the first SignCertificate tries again.
/// </summary>
internal sealed partial class CertificateAuthorityWarmup(
    CertificateAuthority authority,
    ILogger<CertificateAuthorityWarmup> logger,
    BootstrapTokenLocation? bootstrapToken = null) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (bootstrapToken is { } location)
        {
            LogBootstrapToken(location.Generated ? "Generated" : "Using", location.Path);
        }

        try
        {
            await authority.GetKeyMaterialAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLoadFailed(ex.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Action} the local-mode bootstrap token in {Path}; proxies read it with --bootstrap-token-file")]
    private partial void LogBootstrapToken(string action, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The mesh CA could not be loaded yet ({Reason}); SignCertificate will try again")]
    private partial void LogLoadFailed(string reason);
}

/// <summary>Where the local-mode bootstrap token is (its value is never logged).</summary>
internal sealed record BootstrapTokenLocation(string Path, bool Generated);
