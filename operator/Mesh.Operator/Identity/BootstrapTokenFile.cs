using System.Security.Cryptography;

namespace Mesh.Operator.Identity;

/// <summary>
/// The local-mode bootstrap token: read from the given file, or generated once into the CA directory (0600) so that
/// local proxies started by the same user can read it. A file that other users can read is refused, as ssh refuses
/// such a key.
/// </summary>
internal static class BootstrapTokenFile
{
    public const string DefaultFileName = "bootstrap-token";

    /// <summary>The token and the file it is in; <paramref name="generated"/> tells whether it was just created.</summary>
    public static (string Token, string Path) LoadOrCreate(string? file, string caDirectory, out bool generated)
    {
        generated = false;
        var path = file ?? System.IO.Path.Combine(caDirectory, DefaultFileName);
        if (file is null && !File.Exists(path))
        {
            DirectoryCaStore.CreatePrivateDirectory(caDirectory);
            var token = Base64Url(RandomNumberGenerator.GetBytes(32));
            generated = DirectoryCaStore.TryWriteNewAsync(path, token + "\n", CancellationToken.None).GetAwaiter().GetResult();
        }

        if (Mesh.Api.Security.PrivateFile.Problem(path) is { } problem)
        {
            throw new ArgumentException("--bootstrap-token-file: " + problem);
        }

        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"--bootstrap-token-file: {ex.Message}", ex);
        }

        return text.Length >= 16
            ? (text, path)
            : throw new ArgumentException($"--bootstrap-token-file: {path} must hold a token of at least 16 characters.");
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
