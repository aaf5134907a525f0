using System.Net.Security;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Kubernetes.Client;

/// <summary>
/// The check of the API server's certificate against the kubeconfig's certificate authorities. KubernetesClient's
/// own callback accepts a certificate whose chain builds to those roots even when it names another host (it
/// ignores <see cref="SslPolicyErrors.RemoteCertificateNameMismatch"/>); this one requires both.
/// </summary>
internal static class ServerTrust
{
    /// <summary>
    /// A copy of <paramref name="config"/> whose roots are checked by <see cref="Validate"/> rather than by the
    /// library (the caller's configuration is left as it was, so it can create further clients).
    /// </summary>
    public static k8s.KubernetesClientConfiguration Harden(k8s.KubernetesClientConfiguration config)
    {
        if (config.SkipTlsVerify || config.SslCaCerts is not { Count: > 0 } roots)
        {
            return config;
        }

        var copy = new k8s.KubernetesClientConfiguration();
        foreach (var property in typeof(k8s.KubernetesClientConfiguration).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property is { CanRead: true, CanWrite: true } && property.GetIndexParameters().Length == 0)
            {
                property.SetValue(copy, property.GetValue(config));
            }
        }

        copy.SslCaCerts = null;
        var setup = config.FirstMessageHandlerSetup;
        copy.FirstMessageHandlerSetup = handler =>
        {
            setup?.Invoke(handler);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(certificate, chain, errors, roots);
        };
        return copy;
    }

    /// <summary>The server's certificate must name the host and chain to one of <paramref name="roots"/> only.</summary>
    internal static bool Validate(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}
