using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Mesh.Api.V1;

namespace Mesh.Proxy.Tls;

/// <summary>
/// The material of a Secret (DestinationRule tls.credentialName) as the operator delivered it, parsed once per config.
/// <see cref="ToString"/> is a fingerprint of it (never the key), so that the pooled client's key changes with a
/// rotation and the next connections use the new material.
/// </summary>
internal sealed class SecretTlsMaterial : IExternalTlsMaterial
{
    private readonly X509Certificate2Collection? _roots;
    private readonly SslStreamCertificateContext? _client;
    private readonly string _fingerprint;

    private SecretTlsMaterial(string name, X509Certificate2Collection? roots, SslStreamCertificateContext? client, bool insecureSkipVerify, string fingerprint)
    {
        Name = name;
        _roots = roots;
        _client = client;
        InsecureSkipVerify = insecureSkipVerify;
        _fingerprint = fingerprint;
    }

    /// <summary>The Secret's name (in the proxy's namespace).</summary>
    public string Name { get; }

    public bool InsecureSkipVerify { get; }

    /// <summary>
    /// The material of <paramref name="tls"/>: its credential, parsed (or <paramref name="previous"/>'s when unchanged);
    /// without a usable credential the material <paramref name="previous"/> had for the same Secret, else none usable.
    /// </summary>
    public static IExternalTlsMaterial From(ClientTls tls, IExternalTlsMaterial? previous)
    {
        var kept = previous is SecretTlsMaterial { } before && before.Name == tls.CredentialName && before.InsecureSkipVerify == tls.InsecureSkipVerify ? before : null;
        if (tls.Credential is not { } credential)
        {
            return kept is null ? Unavailable(tls.CredentialName) : kept;
        }

        var fingerprint = Fingerprint(credential, tls.InsecureSkipVerify);
        if (kept?._fingerprint == fingerprint)
        {
            return kept;
        }

        try
        {
            return Parse(tls.CredentialName, credential, tls.InsecureSkipVerify, fingerprint);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // The operator parses each PEM before sending it; should one still fail here, the last good one stays.
            return kept is null ? Unavailable(tls.CredentialName) : kept;
        }
    }

    private static string Fingerprint(TlsCredential credential, bool insecureSkipVerify) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(credential.CertificateChain + "\n" + credential.CaCertificates + "\n" + insecureSkipVerify)))[..16];

    private static SecretTlsMaterial Parse(string name, TlsCredential credential, bool insecureSkipVerify, string fingerprint)
    {
        X509Certificate2Collection? roots = null;
        if (credential.CaCertificates.Length > 0)
        {
            roots = [];
            roots.ImportFromPem(credential.CaCertificates);
        }

        SslStreamCertificateContext? client = null;
        if (credential.CertificateChain.Length > 0)
        {
            var certificate = X509Certificate2.CreateFromPem(credential.CertificateChain, credential.PrivateKey);
            client = SslStreamCertificateContext.Create(certificate, additionalCertificates: null, offline: true);
        }

        return new SecretTlsMaterial(name, roots, client, insecureSkipVerify, fingerprint);
    }

    // A Secret the proxy has never had usable material for: every connection fails (never the system's roots).
    private static IExternalTlsMaterial Unavailable(string name) => new UnavailableMaterial(name);

    public X509ChainPolicy? ChainPolicy()
    {
        if (_roots is null)
        {
            return null;
        }

        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.AddRange(_roots);
        return policy;
    }

    public SslStreamCertificateContext? LoadClientCertificate() => _client;

    public override string ToString() => $"secret:{Name}:{_fingerprint}";

    private sealed class UnavailableMaterial(string name) : IExternalTlsMaterial
    {
        public bool InsecureSkipVerify => false;

        public X509ChainPolicy ChainPolicy() => throw Missing();

        public SslStreamCertificateContext LoadClientCertificate() => throw Missing();

        public override string ToString() => $"secret:{name}:unavailable";

        private AuthenticationException Missing() => new($"the material of Secret '{name}' (tls.credentialName) has not reached this proxy");
    }
}
