using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Mesh.Operator.WebhookTls;

/// <summary>
/// The self-managed CA and the serving certificate it signed, both with their keys, as kept in the Secret:
/// <c>tls.crt</c>/<c>tls.key</c> (the kubernetes.io/tls pair), <c>ca.crt</c> (the caBundle) and <c>ca.key</c>
/// (so that any replica can renew the serving certificate without changing the caBundle).
/// </summary>
internal sealed class WebhookCertificateBundle
{
    public const string CaCertKey = "ca.crt";
    public const string CaKeyKey = "ca.key";
    public const string TlsCertKey = "tls.crt";
    public const string TlsKeyKey = "tls.key";

    private WebhookCertificateBundle(X509Certificate2 authority, byte[] authorityPem, X509Certificate2 serving)
    {
        Authority = authority;
        AuthorityPem = authorityPem;
        Serving = serving;
    }

    public X509Certificate2 Authority { get; }

    /// <summary>The CA as PEM, byte for byte as stored: what every replica writes into the caBundle.</summary>
    public byte[] AuthorityPem { get; }

    public X509Certificate2 Serving { get; }

    public static WebhookCertificateBundle Create(IReadOnlyList<string> dnsNames, DateTimeOffset now, WebhookTlsOptions options)
    {
        var authority = CertificateFactory.CreateAuthority($"mesh-webhook-ca.{options.Namespace}", now, options.CaLifetime);
        var serving = CertificateFactory.CreateServing(authority, dnsNames, now, options.ServingLifetime);
        return new WebhookCertificateBundle(authority, Encoding.ASCII.GetBytes(authority.ExportCertificatePem() + "\n"), serving);
    }

    /// <summary>The bundle in a Secret's data; null with the reason when a piece is missing or unreadable.</summary>
    public static WebhookCertificateBundle? Read(IReadOnlyDictionary<string, byte[]>? data, out string? problem)
    {
        problem = null;
        if (data is null || !data.TryGetValue(CaCertKey, out var caCert) || !data.TryGetValue(CaKeyKey, out var caKey)
            || !data.TryGetValue(TlsCertKey, out var tlsCert) || !data.TryGetValue(TlsKeyKey, out var tlsKey))
        {
            problem = $"it lacks one of {CaCertKey}, {CaKeyKey}, {TlsCertKey}, {TlsKeyKey}";
            return null;
        }

        try
        {
            var authority = X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(caCert), Encoding.ASCII.GetString(caKey));
            var serving = X509Certificate2.CreateFromPem(Encoding.ASCII.GetString(tlsCert), Encoding.ASCII.GetString(tlsKey));
            return new WebhookCertificateBundle(authority, caCert, serving);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // The exception's message names what is wrong with the PEM, never its content.
            problem = ex.Message;
            return null;
        }
    }

    /// <summary>A new serving certificate from the same CA (the caBundle stays valid).</summary>
    public WebhookCertificateBundle Renew(IReadOnlyList<string> dnsNames, DateTimeOffset now, TimeSpan lifetime) =>
        new(Authority, AuthorityPem, CertificateFactory.CreateServing(Authority, dnsNames, now, lifetime));

    /// <summary>Why the bundle must be replaced at <paramref name="now"/>: a reason, or null when it is good.</summary>
    public string? RenewalReason(IReadOnlyList<string> dnsNames, DateTimeOffset now, double renewWhenRemaining)
    {
        if (IsDue(Authority, now, renewWhenRemaining))
        {
            return "the CA is near its expiry";
        }

        if (!CertificateFactory.IsIssuedBy(Serving, Authority, now))
        {
            return "the serving certificate does not chain to the CA";
        }

        if (!CertificateFactory.Covers(Serving, dnsNames))
        {
            return "the serving certificate does not name the webhook Service";
        }

        return IsDue(Serving, now, renewWhenRemaining) ? "the serving certificate is near its expiry" : null;
    }

    /// <summary>Whether the CA itself must be replaced (and with it the caBundle), not just the serving certificate.</summary>
    public bool AuthorityIsDue(DateTimeOffset now, double renewWhenRemaining) => IsDue(Authority, now, renewWhenRemaining);

    /// <summary>When the serving certificate falls due for renewal.</summary>
    public DateTimeOffset RenewAt(double renewWhenRemaining) => RenewAt(Serving, renewWhenRemaining);

    public Dictionary<string, byte[]> ToSecretData() => new()
    {
        [CaCertKey] = AuthorityPem,
        [CaKeyKey] = PrivateKeyPem(Authority),
        [TlsCertKey] = Encoding.ASCII.GetBytes(Serving.ExportCertificatePem() + "\n"),
        [TlsKeyKey] = PrivateKeyPem(Serving),
    };

    private static byte[] PrivateKeyPem(X509Certificate2 certificate)
    {
        using var key = certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The certificate has no ECDSA private key.");
        return Encoding.ASCII.GetBytes(key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    private static bool IsDue(X509Certificate2 certificate, DateTimeOffset now, double renewWhenRemaining) =>
        now >= RenewAt(certificate, renewWhenRemaining) || now < certificate.NotBefore.ToUniversalTime();

    private static DateTimeOffset RenewAt(X509Certificate2 certificate, double renewWhenRemaining)
    {
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        return notAfter - ((notAfter - notBefore) * renewWhenRemaining);
    }
}
