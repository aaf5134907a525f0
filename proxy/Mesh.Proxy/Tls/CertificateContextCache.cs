using System.Net.Security;
using Mesh.Proxy.Identity;

namespace Mesh.Proxy.Tls;

/// <summary>
/// The TLS credentials of the current workload certificate, built once per rotation rather than per handshake
/// (building a context assembles the chain). Every handshake reads the source, so a rotation takes effect on the
/// next connection without a restart, while connections already open keep the certificate they started with.
/// </summary>
internal sealed class CertificateContextCache
{
    private readonly IWorkloadCertificateSource _source;
    private Entry? _entry;

    public CertificateContextCache(IWorkloadCertificateSource source) => _source = source;

    /// <summary>The current certificate with its context, or null while none has been issued.</summary>
    public Entry? Current
    {
        get
        {
            var certificate = _source.Current;
            if (certificate is null)
            {
                return null;
            }

            var entry = Volatile.Read(ref _entry);
            if (entry is not null && ReferenceEquals(entry.Certificate, certificate))
            {
                return entry;
            }

            // Two handshakes racing after a rotation may both build a context; either one is correct.
            entry = new Entry(certificate, SslStreamCertificateContext.Create(certificate.Certificate, certificate.Intermediates, offline: true));
            Volatile.Write(ref _entry, entry);
            return entry;
        }
    }

    internal sealed record Entry(WorkloadCertificate Certificate, SslStreamCertificateContext Context);
}
