using Grpc.Core;
using Mesh.Proxy.Hosting;

namespace Mesh.Proxy.Identity;

/// <summary>
/// What the proxy proves itself with: in local mode the operator's bootstrap token plus the identity it claims; in
/// kube mode the pod's service-account token, read afresh for every request because the kubelet rotates it. The
/// config stream and certificate signing both present them.
/// </summary>
internal sealed class WorkloadCredentials(ProxyOptions options)
{
    /// <summary>Metadata entries the operator's local mode reads the claimed identity from.</summary>
    public const string NamespaceHeader = "mesh-namespace";
    public const string ServiceAccountHeader = "mesh-service-account";

    /// <exception cref="IOException">The token file cannot be read or is empty.</exception>
    public async Task<Metadata> CreateMetadataAsync(CancellationToken cancellationToken)
    {
        if (options.BootstrapToken is null && options.BootstrapTokenFile is { } bootstrapFile
            && Mesh.Api.Security.PrivateFile.Problem(bootstrapFile) is { } problem)
        {
            throw new IOException("--bootstrap-token-file: " + problem);
        }

        var token = options.BootstrapToken
            ?? (options.BootstrapTokenFile is { } file
                ? await ReadTokenAsync(file, $"--bootstrap-token-file: {file} does not exist", cancellationToken)
                : await ReadTokenAsync(options.TokenFile, NoServiceAccountToken(options.TokenFile), cancellationToken));
        return new Metadata
        {
            { "authorization", "Bearer " + token },
            { NamespaceHeader, options.Namespace },
            { ServiceAccountHeader, options.ServiceAccount },
        };
    }

    // Outside a pod the service-account token is missing because the proxy was not given local mode's token; the bare
    // "could not find a part of the path" the read fails with says neither.
    private static string NoServiceAccountToken(string path) =>
        $"no service-account token at {path} (--token-file); outside Kubernetes give --bootstrap-token-file "
        + "(the operator's .mesh/ca/bootstrap-token) or MESH_BOOTSTRAP_TOKEN";

    private static async Task<string> ReadTokenAsync(string path, string missing, CancellationToken cancellationToken)
    {
        string token;
        try
        {
            token = (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new IOException(missing, ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            throw new IOException($"the token file {path} cannot be read: {ex.Message}", ex);
        }

        return token.Length > 0 ? token : throw new IOException($"the token file {path} is empty");
    }
}
