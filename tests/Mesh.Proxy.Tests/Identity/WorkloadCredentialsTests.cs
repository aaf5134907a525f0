using Mesh.Proxy.Hosting;
using Mesh.Proxy.Identity;

namespace Mesh.Proxy.Tests.Identity;

/// <summary>What a proxy started without a usable credential is told: which flag to give, not a bare path error.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class WorkloadCredentialsTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("mesh-credentials-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Without_a_service_account_token_the_error_names_the_bootstrap_token_flag()
    {
        var missing = Path.Combine(_dir.FullName, "serviceaccount", "token");
        var credentials = new WorkloadCredentials(new ProxyOptions { TokenFile = missing });

        var error = await Assert.ThrowsAsync<IOException>(() => credentials.CreateMetadataAsync(CancellationToken.None));

        Assert.Contains($"no service-account token at {missing}", error.Message, StringComparison.Ordinal);
        Assert.Contains("--bootstrap-token-file", error.Message, StringComparison.Ordinal);
        Assert.Contains("MESH_BOOTSTRAP_TOKEN", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_bootstrap_token_file_is_named_with_its_flag()
    {
        var missing = Path.Combine(_dir.FullName, "bootstrap-token");
        var credentials = new WorkloadCredentials(new ProxyOptions { BootstrapTokenFile = missing });

        var error = await Assert.ThrowsAsync<IOException>(() => credentials.CreateMetadataAsync(CancellationToken.None));

        Assert.Equal($"--bootstrap-token-file: {missing} does not exist", error.Message);
    }

    [Fact]
    public async Task A_bootstrap_token_file_is_presented_as_a_bearer_token_with_the_claimed_identity()
    {
        var file = Path.Combine(_dir.FullName, "bootstrap-token");
        File.WriteAllText(file, "s3cret\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var credentials = new WorkloadCredentials(new ProxyOptions { BootstrapTokenFile = file, Namespace = "shop", ServiceAccount = "cart" });

        var metadata = await credentials.CreateMetadataAsync(CancellationToken.None);

        Assert.Equal("Bearer s3cret", metadata.GetValue("authorization"));
        Assert.Equal("shop", metadata.GetValue(WorkloadCredentials.NamespaceHeader));
        Assert.Equal("cart", metadata.GetValue(WorkloadCredentials.ServiceAccountHeader));
    }
}
