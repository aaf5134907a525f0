using Mesh.Operator.Identity;

namespace Mesh.Operator.Tests.Identity;

// File modes are Unix permissions; the project builds and tests on Linux.
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class BootstrapTokenFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("mesh-token").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_token_file_other_users_can_read_is_refused_with_the_fix()
    {
        var file = Path.Combine(_directory, "token");
        File.WriteAllText(file, "a-token-of-at-least-16-characters\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var refused = Assert.Throws<ArgumentException>(() => BootstrapTokenFile.LoadOrCreate(file, _directory, out _));

        Assert.Contains("--bootstrap-token-file", refused.Message, StringComparison.Ordinal);
        Assert.Contains("chmod 600", refused.Message, StringComparison.Ordinal);
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.Equal("a-token-of-at-least-16-characters", BootstrapTokenFile.LoadOrCreate(file, _directory, out _).Token);
    }

    [Fact]
    public void The_generated_token_is_private_and_accepted()
    {
        var (token, path) = BootstrapTokenFile.LoadOrCreate(null, _directory, out var generated);

        Assert.True(generated);
        Assert.True(token.Length >= 16);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
    }
}
