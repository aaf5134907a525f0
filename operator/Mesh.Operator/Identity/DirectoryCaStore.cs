using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Mesh.Operator.Identity;

/// <summary>
/// Local mode: the root in a directory (<c>ca.crt</c>, <c>ca.key</c>), generated on first start and reused after.
/// The directory is 0700 and the files 0600: the key is as safe as the user's home, no more.
/// </summary>
internal sealed partial class DirectoryCaStore(
    string directory,
    CertificateAuthorityOptions options,
    TimeProvider time,
    ILogger<DirectoryCaStore> logger) : ICaStore
{
    public const string CertificateFile = "ca.crt";
    public const string KeyFile = "ca.key";

    public string Description => $"directory {directory}";

    public async Task<CaKeyMaterial> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        var certificatePath = Path.Combine(directory, CertificateFile);
        var keyPath = Path.Combine(directory, KeyFile);
        if (!File.Exists(certificatePath) && !File.Exists(keyPath))
        {
            CreatePrivateDirectory(directory);
            var (certificatePem, keyPem) = RootCertificateFactory.Create(time.GetUtcNow(), options.RootLifetime, options.TrustDomain);

            // The key first: a certificate without its key is never left behind by a crash in between.
            if (await TryWriteNewAsync(keyPath, keyPem, cancellationToken) && await TryWriteNewAsync(certificatePath, certificatePem, cancellationToken))
            {
                LogGenerated(directory);
            }
        }

        if (!File.Exists(certificatePath) || !File.Exists(keyPath))
        {
            throw new InvalidDataException($"The CA directory {directory} holds only one of {CertificateFile} and {KeyFile}; restore the other or remove both to generate a new root.");
        }

        try
        {
            return CaKeyMaterial.FromPem(
                await File.ReadAllTextAsync(certificatePath, cancellationToken),
                await File.ReadAllTextAsync(keyPath, cancellationToken),
                rootPem: null);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidDataException($"The CA in {directory} cannot be used: {ex.Message}", ex);
        }
    }

    internal static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Creates the file 0600 with the text; false when it already exists (another process was first).</summary>
    internal static async Task<bool> TryWriteNewAsync(string path, string text, CancellationToken cancellationToken)
    {
        var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            await using var stream = new FileStream(path, fileOptions);
            await using var writer = new StreamWriter(stream);
            await writer.WriteAsync(text.AsMemory(), cancellationToken);
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Generated a new mesh root CA in {Directory}")]
    private partial void LogGenerated(string directory);
}
