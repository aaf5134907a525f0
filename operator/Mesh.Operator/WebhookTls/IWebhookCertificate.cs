using System.Security.Cryptography.X509Certificates;

namespace Mesh.Operator.WebhookTls;

/// <summary>The webhook's current serving certificate, read by the HTTPS listener at every handshake.</summary>
public interface IWebhookCertificate
{
    /// <summary>Null until a source has provided one (self-managed mode before its first Secret read).</summary>
    X509Certificate2? Current { get; }
}
