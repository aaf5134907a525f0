using System.Security.Cryptography.X509Certificates;

namespace Mesh.Operator.WebhookTls;

/// <summary>
/// Holds the serving certificate a source (files, Secret, ephemeral) provides; swapped whole so that a handshake
/// sees either the old or the new certificate, never a mix.
/// </summary>
internal sealed class WebhookCertificateStore : IWebhookCertificate
{
    private X509Certificate2? _current;

    public X509Certificate2? Current => Volatile.Read(ref _current);

    /// <summary>Serves <paramref name="certificate"/> from the next handshake on; false when it is the one already served.</summary>
    /// <remarks>The replaced certificate is not disposed: a handshake in flight may still be using it.</remarks>
    public bool Set(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var previous = Volatile.Read(ref _current);
        if (previous is not null && previous.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
        {
            return false;
        }

        Volatile.Write(ref _current, certificate);
        return true;
    }
}
