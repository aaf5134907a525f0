using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using k8s.Models;
using Mesh.Api.V1;

namespace Mesh.Operator.Compiler;

/// <summary>
/// Reads the material a DestinationRule's tls.credentialName names, with Istio's rules for the Secret: the client
/// certificate and key under <c>tls.crt</c>/<c>tls.key</c> (kubernetes.io/tls) or <c>cert</c>/<c>key</c> (generic); the
/// roots under <c>ca.crt</c> or <c>cacert</c> of the companion Secret <c>NAME-cacert</c> when it exists, else of the
/// Secret itself. Each PEM is parsed here so that a bad one is reported on the rule rather than at the proxy.
/// </summary>
internal sealed class SecretCredentials
{
    public const string CaSuffix = "-cacert";

    private readonly Dictionary<(string Namespace, string Name), V1Secret> _secrets = [];
    private readonly Dictionary<(string, string, bool, bool), (TlsCredential?, string?)> _resolved = [];

    public SecretCredentials(IEnumerable<V1Secret> secrets)
    {
        foreach (var secret in secrets)
        {
            _secrets.TryAdd((secret.Metadata?.NamespaceProperty ?? "default", secret.Metadata?.Name ?? ""), secret);
        }
    }

    /// <summary>The material of Secret <paramref name="name"/> in <paramref name="ns"/>, or why there is none.</summary>
    /// <param name="mutual">MUTUAL: the client certificate and key are required.</param>
    /// <param name="needsRoots">False with insecureSkipVerify: no roots are read.</param>
    public (TlsCredential? Credential, string? Error) Resolve(string ns, string name, bool mutual, bool needsRoots)
    {
        var key = (ns, name, mutual, needsRoots);
        if (!_resolved.TryGetValue(key, out var result))
        {
            result = Read(ns, name, mutual, needsRoots);
            _resolved.Add(key, result);
        }

        return result;
    }

    private (TlsCredential?, string?) Read(string ns, string name, bool mutual, bool needsRoots)
    {
        var secret = _secrets.GetValueOrDefault((ns, name));
        var credential = new TlsCredential();
        if (mutual)
        {
            if (secret is null)
            {
                return (null, $"Secret {ns}/{name} not found");
            }

            var (cert, key) = (Value(secret, "tls.crt"), Value(secret, "tls.key")) is ({ } c, { } k) ? (c, k) : (Value(secret, "cert"), Value(secret, "key"));
            if (cert is null || key is null)
            {
                return (null, $"Secret {ns}/{name} has neither tls.crt and tls.key nor cert and key");
            }

            try
            {
                using var pair = X509Certificate2.CreateFromPem(cert, key);
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException)
            {
                // ArgumentException: a key that is not the certificate's.
                return (null, $"Secret {ns}/{name}: the certificate and key are not a valid PEM pair ({ex.Message})");
            }

            credential.CertificateChain = cert;
            credential.PrivateKey = key;
        }

        if (!needsRoots)
        {
            return (credential, null);
        }

        var holder = _secrets.GetValueOrDefault((ns, name + CaSuffix)) ?? secret;
        if (holder is null)
        {
            return (null, $"neither Secret {ns}/{name}{CaSuffix} nor Secret {ns}/{name} found");
        }

        var holderName = holder.Metadata?.Name;
        if ((Value(holder, "ca.crt") ?? Value(holder, "cacert")) is not { } roots)
        {
            return (null, $"Secret {ns}/{holderName} has neither ca.crt nor cacert");
        }

        try
        {
            var collection = new X509Certificate2Collection();
            collection.ImportFromPem(roots);
            if (collection.Count == 0)
            {
                return (null, $"Secret {ns}/{holderName}: no certificate in its roots");
            }

            foreach (var certificate in collection)
            {
                certificate.Dispose();
            }
        }
        catch (CryptographicException ex)
        {
            return (null, $"Secret {ns}/{holderName}: the roots are not valid PEM ({ex.Message})");
        }

        credential.CaCertificates = roots;
        return (credential, null);
    }

    // stringData wins over data, as the API server merges them on write.
    private static string? Value(V1Secret secret, string key) =>
        secret.StringData?.TryGetValue(key, out var text) == true ? text
        : secret.Data?.TryGetValue(key, out var bytes) == true ? Encoding.UTF8.GetString(bytes)
        : null;
}
