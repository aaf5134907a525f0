namespace Mesh.Operator.Identity;

/// <summary>A signing request the CA refuses (bad CSR, weak key, bad lifetime); the message says why.</summary>
internal sealed class CertificateRequestException(string message, Exception? innerException = null)
    : Exception(message, innerException);
