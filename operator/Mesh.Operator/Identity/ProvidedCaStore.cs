using System.Security.Cryptography;

namespace Mesh.Operator.Identity;

/// <summary>
/// A CA the operator is given (typically an intermediate under an organisation's root): certificate and key PEM files,
/// plus the root file that becomes the proxies' trust bundle. Read once at start; a bad file is a usage error then.
/// </summary>
internal sealed class ProvidedCaStore : ICaStore
{
    private readonly CaKeyMaterial _material;

    public ProvidedCaStore(string certificateFile, string keyFile, string? rootFile)
    {
        try
        {
            _material = CaKeyMaterial.FromPem(
                File.ReadAllText(certificateFile),
                File.ReadAllText(keyFile),
                rootFile is null ? null : File.ReadAllText(rootFile));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new ArgumentException($"--ca-cert-file/--ca-key-file/--ca-root-file: {ex.Message}", ex);
        }

        Description = $"files {certificateFile}";
    }

    public string Description { get; }

    public Task<CaKeyMaterial> LoadOrCreateAsync(CancellationToken cancellationToken) => Task.FromResult(_material);
}
