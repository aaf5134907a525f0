using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Proxy.Tls;

/// <summary>Where a SIMPLE or MUTUAL cluster's roots and client certificate come from: files, or a Secret's material.</summary>
internal interface IExternalTlsMaterial
{
    bool InsecureSkipVerify { get; }

    /// <summary>The chain policy trusting only the configured roots; null: the system's roots.</summary>
    X509ChainPolicy? ChainPolicy();

    /// <summary>The client certificate MUTUAL presents; null when none is configured.</summary>
    SslStreamCertificateContext? LoadClientCertificate();
}
