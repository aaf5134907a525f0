using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using Mesh.Api.V1;
using Mesh.Proxy.Runtime;
using Microsoft.Extensions.Logging;

namespace Mesh.Proxy.Tls;

/// <summary>
/// Secures a new upstream connection as its cluster's client TLS says. Mesh mTLS (MESH_MUTUAL, or AUTO towards an
/// endpoint in the mesh) presents the workload certificate current at connect time, so a rotation applies to new
/// connections while open ones continue, and requires the server to chain to the trust roots and present the
/// expected identity. A refusal throws, which the HTTP client reports as a connection error: a connect failure.
/// </summary>
internal sealed partial class UpstreamTlsConnector
{
    private readonly SnapshotHolder _snapshots;
    private readonly CertificateContextCache _certificates;
    private readonly TlsMetrics _metrics;
    private readonly ILogger<UpstreamTlsConnector> _logger;

    public UpstreamTlsConnector(SnapshotHolder snapshots, CertificateContextCache certificates, TlsMetrics metrics, ILogger<UpstreamTlsConnector> logger)
    {
        _snapshots = snapshots;
        _certificates = certificates;
        _metrics = metrics;
        _logger = logger;
    }

    /// <param name="clientTls">The settings the pooled client was built with; the live snapshot's copy of the same
    /// settings is preferred because it knows the cluster's current endpoints.</param>
    public async ValueTask<Stream> SecureAsync(Stream transport, string clusterName, UpstreamTls? clientTls, DnsEndPoint endpoint, CancellationToken cancellationToken)
    {
        if (clientTls is null)
        {
            return transport;
        }

        var tls = _snapshots.Current is { } snapshot && snapshot.Clusters.TryGetValue(clusterName, out var live) && live.Tls?.Key == clientTls.Key
            ? live.Tls
            : clientTls;
        var options = tls.Mode switch
        {
            ClientTls.Types.Mode.Simple or ClientTls.Types.Mode.Mutual => ExternalOptions(tls, clusterName, endpoint),
            _ => MeshOptions(tls, clusterName, endpoint),
        };
        if (options is null)
        {
            return transport;
        }

        var ssl = new SslStream(transport, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(options, cancellationToken);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
    }

    private SslClientAuthenticationOptions? MeshOptions(UpstreamTls tls, string clusterName, DnsEndPoint endpoint)
    {
        var identity = tls.Endpoint(endpoint.Host.Trim('[', ']'), endpoint.Port);
        if (tls.Mode == ClientTls.Types.Mode.Auto && !identity.InMesh)
        {
            return null;
        }

        if (_certificates.Current is not { } current)
        {
            if (tls.Mode == ClientTls.Types.Mode.Auto)
            {
                // Istio's auto mTLS before the first certificate: the server's PERMISSIVE default still accepts us.
                return null;
            }

            _metrics.PeerRefused("outbound", "no workload certificate");
            throw new AuthenticationException($"cluster '{clusterName}' requires mesh mTLS and no workload certificate has been issued yet");
        }

        return new SslClientAuthenticationOptions
        {
            TargetHost = tls.ServerName,
            ClientCertificateContext = current.Context,
            CertificateChainPolicy = MeshPeerValidation.ChainPolicy(current.Certificate.TrustRoots),
            ApplicationProtocols = tls.ApplicationProtocols,
            AllowRenegotiation = false,
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                // The SNI is a routing hint; the identity is the URI SAN checked below, not a DNS name.
                var refusal = MeshPeerValidation.Refusal(certificate, errors & ~SslPolicyErrors.RemoteCertificateNameMismatch, out var principal);
                if (refusal is null && !tls.Accepts(identity, principal!))
                {
                    refusal = "unexpected identity";
                }

                if (refusal is null)
                {
                    return true;
                }

                _metrics.PeerRefused("outbound", refusal);
                LogPeerRefused(clusterName, endpoint.Host, endpoint.Port, refusal, principal ?? "");
                return false;
            },
        };
    }

    /// <summary>
    /// SIMPLE and MUTUAL, Istio's TLS origination towards a host outside the mesh: the server must chain to the
    /// configured roots (else the system's) and carry one of the subjectAltNames (else the SNI), unless
    /// insecureSkipVerify; MUTUAL presents the configured client certificate. Files are read per new connection,
    /// so a renewed certificate applies to the next one; a Secret's material comes with the config.
    /// </summary>
    private SslClientAuthenticationOptions ExternalOptions(UpstreamTls tls, string clusterName, DnsEndPoint endpoint)
    {
        var material = tls.Material;
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = tls.ServerName,
            ApplicationProtocols = tls.ApplicationProtocols,
            AllowRenegotiation = false,
        };
        if (tls.Mode == ClientTls.Types.Mode.Mutual)
        {
            options.ClientCertificateContext = material.LoadClientCertificate()
                ?? throw new AuthenticationException($"cluster '{clusterName}': tls mode MUTUAL needs clientCertificate and privateKey");
        }

        if (material.InsecureSkipVerify)
        {
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
            return options;
        }

        options.CertificateChainPolicy = material.ChainPolicy();
        options.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            var refusal = ExternalPeerValidation.Refusal(certificate, errors, tls.SubjectAltNames);
            if (refusal is null)
            {
                return true;
            }

            _metrics.PeerRefused("outbound", refusal);
            LogPeerRefused(clusterName, endpoint.Host, endpoint.Port, refusal, certificate?.Subject ?? "");
            return false;
        };
        return options;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream TLS to cluster {Cluster} endpoint {Host}:{Port} refused the server: {Reason} (presented {Principal})")]
    private partial void LogPeerRefused(string cluster, string host, int port, string reason, string principal);
}
