using System.Diagnostics;

namespace Mesh.Operator.Tests.WebhookTls;

/// <summary>
/// A directory laid out as the kubelet mounts a Secret: <c>tls.crt -> ..data/tls.crt</c>, <c>..data -> ..TIMESTAMP</c>.
/// An update writes a new <c>..TIMESTAMP</c> directory and renames a fresh symlink over <c>..data</c> (atomic), as
/// the kubelet's AtomicWriter does when cert-manager renews the Secret.
/// </summary>
internal sealed class MountedSecret : IDisposable
{
    private int _generation;

    private MountedSecret(string directory) => Directory = directory;

    public string Directory { get; }

    public string CertFile => Path.Combine(Directory, "tls.crt");

    public string KeyFile => Path.Combine(Directory, "tls.key");

    public static async Task<MountedSecret> CreateAsync(PemPair pair)
    {
        var mounted = new MountedSecret(System.IO.Directory.CreateTempSubdirectory("mesh-webhook-secret-").FullName);
        var first = await mounted.WriteGenerationAsync(pair);
        File.CreateSymbolicLink(Path.Combine(mounted.Directory, "..data"), first);
        File.CreateSymbolicLink(mounted.CertFile, Path.Combine("..data", "tls.crt"));
        File.CreateSymbolicLink(mounted.KeyFile, Path.Combine("..data", "tls.key"));
        return mounted;
    }

    /// <summary>The kubelet's update: new timestamped directory, <c>..data_tmp</c> symlink renamed over <c>..data</c>.</summary>
    public async Task SwapAsync(PemPair pair)
    {
        var next = await WriteGenerationAsync(pair);
        var temporary = Path.Combine(Directory, "..data_tmp");
        File.CreateSymbolicLink(temporary, next);

        // rename(2) of a symlink over a symlink to a directory: mv -T does exactly that and nothing more.
        using var rename = Process.Start(new ProcessStartInfo("mv", ["-T", temporary, Path.Combine(Directory, "..data")]) { UseShellExecute = false })!;
        await rename.WaitForExitAsync();
        Assert.Equal(0, rename.ExitCode);
    }

    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

    private async Task<string> WriteGenerationAsync(PemPair pair)
    {
        var name = $"..2026_12_02_12_00_{_generation++:00}.000000000";
        var path = System.IO.Directory.CreateDirectory(Path.Combine(Directory, name)).FullName;
        await File.WriteAllTextAsync(Path.Combine(path, "tls.crt"), pair.CertificatePem);
        await File.WriteAllTextAsync(Path.Combine(path, "tls.key"), pair.KeyPem);
        return name;
    }
}
