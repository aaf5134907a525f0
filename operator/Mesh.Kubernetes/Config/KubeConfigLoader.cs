using System.Security.Cryptography.X509Certificates;
using System.Text;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Mesh.Kubernetes.Config;

/// <summary>
/// Reads kubeconfig files. Several files merge like kubectl does: the first file that defines a name or sets
/// current-context wins. File paths inside a file are relative to that file's directory.
/// </summary>
internal static class KubeConfigLoader
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().IgnoreUnmatchedProperties().Build();

    public static KubernetesClientConfiguration Load(IReadOnlyList<string> paths, string? context)
    {
        var documents = new List<(string Yaml, string BaseDirectory)>();
        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                documents.Add((File.ReadAllText(path), Path.GetDirectoryName(Path.GetFullPath(path))!));
            }
        }

        if (documents.Count == 0)
        {
            throw new KubeConfigException($"No kubeconfig found (looked at {string.Join(", ", paths)}) and not running in a pod.");
        }

        return Parse(documents, context);
    }

    public static KubernetesClientConfiguration Parse(IReadOnlyList<(string Yaml, string BaseDirectory)> documents, string? contextName)
    {
        var clusters = new Dictionary<string, (KubeConfigFile.ClusterEntry Entry, string BaseDirectory)>();
        var users = new Dictionary<string, (KubeConfigFile.UserEntry Entry, string BaseDirectory)>();
        var contexts = new Dictionary<string, KubeConfigFile.ContextEntry>();
        string? currentContext = null;
        foreach (var (yaml, baseDirectory) in documents)
        {
            KubeConfigFile? file;
            try
            {
                file = Deserializer.Deserialize<KubeConfigFile?>(yaml);
            }
            catch (YamlException e)
            {
                throw new KubeConfigException($"The kubeconfig is not valid YAML (line {e.Start.Line}): {e.Message}", e);
            }

            if (file is null)
            {
                continue;
            }

            currentContext ??= string.IsNullOrEmpty(file.CurrentContext) ? null : file.CurrentContext;
            foreach (var c in file.Clusters ?? [])
            {
                if (c.Name is not null && c.Cluster is not null)
                {
                    clusters.TryAdd(c.Name, (c.Cluster, baseDirectory));
                }
            }

            foreach (var u in file.Users ?? [])
            {
                if (u.Name is not null)
                {
                    users.TryAdd(u.Name, (u.User ?? new KubeConfigFile.UserEntry(), baseDirectory));
                }
            }

            foreach (var c in file.Contexts ?? [])
            {
                if (c.Name is not null && c.Context is not null)
                {
                    contexts.TryAdd(c.Name, c.Context);
                }
            }
        }

        var name = contextName ?? currentContext
            ?? throw new KubeConfigException("The kubeconfig sets no current-context and none was given.");
        if (!contexts.TryGetValue(name, out var context))
        {
            throw new KubeConfigException($"The kubeconfig has no context named '{name}'.");
        }

        if (context.Cluster is null || !clusters.TryGetValue(context.Cluster, out var cluster))
        {
            throw new KubeConfigException($"Context '{name}' refers to cluster '{context.Cluster}', which the kubeconfig does not define.");
        }

        var user = (Entry: new KubeConfigFile.UserEntry(), BaseDirectory: cluster.BaseDirectory);
        if (context.User is not null && !users.TryGetValue(context.User, out user))
        {
            throw new KubeConfigException($"Context '{name}' refers to user '{context.User}', which the kubeconfig does not define.");
        }

        return Build(name, cluster.Entry, cluster.BaseDirectory, user.Entry, user.BaseDirectory, context.Namespace);
    }

    private static KubernetesClientConfiguration Build(
        string contextName,
        KubeConfigFile.ClusterEntry cluster,
        string clusterDirectory,
        KubeConfigFile.UserEntry user,
        string userDirectory,
        string? @namespace)
    {
        if (!Uri.TryCreate(cluster.Server, UriKind.Absolute, out var server) || (server.Scheme != "https" && server.Scheme != "http"))
        {
            throw new KubeConfigException($"Context '{contextName}': cluster server '{cluster.Server}' is not an http(s) URL.");
        }

        if (user.Exec is not null || user.AuthProvider is not null)
        {
            throw new KubeConfigException($"Context '{contextName}': exec and auth-provider credential plugins are not supported; use a token or a client certificate.");
        }

        var authorities = new X509Certificate2Collection();
        var caPem = ReadPem(cluster.CertificateAuthorityData, cluster.CertificateAuthority, clusterDirectory, contextName, "certificate-authority");
        if (caPem is not null)
        {
            authorities.ImportFromPem(caPem);
            if (authorities.Count == 0)
            {
                throw new KubeConfigException($"Context '{contextName}': certificate-authority holds no PEM certificate.");
            }
        }

        var certPem = ReadPem(user.ClientCertificateData, user.ClientCertificate, userDirectory, contextName, "client-certificate");
        var keyPem = ReadPem(user.ClientKeyData, user.ClientKey, userDirectory, contextName, "client-key");
        if ((certPem is null) != (keyPem is null))
        {
            throw new KubeConfigException($"Context '{contextName}': client-certificate and client-key must be given together.");
        }

        return new KubernetesClientConfiguration
        {
            Server = server,
            Namespace = string.IsNullOrEmpty(@namespace) ? "default" : @namespace,
            CertificateAuthorities = authorities,
            SkipTlsVerify = cluster.InsecureSkipTlsVerify,
            TlsServerName = string.IsNullOrEmpty(cluster.TlsServerName) ? null : cluster.TlsServerName,
            Token = string.IsNullOrEmpty(user.Token) ? null : user.Token,
            TokenFile = string.IsNullOrEmpty(user.TokenFile) ? null : Path.GetFullPath(user.TokenFile, userDirectory),
            ClientCertificate = certPem is null ? null : ClientCertificates.FromPem(certPem, keyPem!, contextName),
        };
    }

    /// <summary>The PEM text of an inline <c>*-data</c> field (base64 of the PEM) or of a file.</summary>
    private static string? ReadPem(string? data, string? path, string baseDirectory, string contextName, string field)
    {
        if (!string.IsNullOrEmpty(data))
        {
            try
            {
                return Encoding.UTF8.GetString(Convert.FromBase64String(data));
            }
            catch (FormatException e)
            {
                throw new KubeConfigException($"Context '{contextName}': {field}-data is not base64.", e);
            }
        }

        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        var fullPath = Path.GetFullPath(path, baseDirectory);
        try
        {
            return File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new KubeConfigException($"Context '{contextName}': cannot read {field} '{fullPath}': {e.Message}", e);
        }
    }
}
