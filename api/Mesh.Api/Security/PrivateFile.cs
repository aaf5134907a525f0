namespace Mesh.Api.Security;

/// <summary>
/// Refuses a secret file that other users can read or write, as ssh refuses such a private key: a token that any
/// local user can read lets any local process claim any workload's identity.
/// </summary>
public static class PrivateFile
{
    private const UnixFileMode GroupOrOther =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Null when only the owner has access to <paramref name="path"/> (or on Windows), else the problem and its fix.</summary>
    public static string? Problem(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path))
        {
            return null;
        }

        var mode = File.GetUnixFileMode(path);
        return (mode & GroupOrOther) == 0
            ? null
            : $"{path} is accessible by other users (mode {Octal(mode)}); a token file must be private: chmod 600 {path}";
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode & 0x1FF, 8).PadLeft(4, '0');
}
