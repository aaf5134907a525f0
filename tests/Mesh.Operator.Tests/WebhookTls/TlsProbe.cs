using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Operator.Tests.WebhookTls;

/// <summary>A real TLS handshake on loopback, as the API server makes it, reporting what the operator presented.</summary>
internal static class TlsProbe
{
    /// <summary>The certificate a fresh connection is shown (any certificate is accepted: the caller judges it).</summary>
    public static async Task<X509Certificate2> PresentedAsync(int port, string targetHost = "localhost")
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = targetHost,
            RemoteCertificateValidationCallback = (_, _, _, _) => true,
        });
        return X509CertificateLoader.LoadCertificate(tls.RemoteCertificate!.GetRawCertData());
    }

    /// <summary>
    /// Whether a client trusting only <paramref name="authority"/> (a caBundle) and dialling <paramref name="targetHost"/>
    /// accepts the operator's certificate at <paramref name="at"/>: the chain builds to it and the name matches.
    /// </summary>
    public static async Task<bool> VerifiesAsync(int port, X509Certificate2 authority, string targetHost, DateTimeOffset at)
    {
        var accepted = false;
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream());
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = targetHost,
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(authority);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    chain.ChainPolicy.VerificationTime = at.UtcDateTime;
                    using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                    accepted = chain.Build(leaf);
                    return accepted;
                },
            });
        }
        catch (AuthenticationException) when (!accepted)
        {
            // The callback said no: the handshake is aborted, which is the answer.
        }

        return accepted;
    }

    public static bool SameAs(this X509Certificate2 certificate, X509Certificate2 other) =>
        certificate.RawDataMemory.Span.SequenceEqual(other.RawDataMemory.Span);
}
