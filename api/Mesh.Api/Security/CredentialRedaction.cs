using Mesh.Api.V1;

namespace Mesh.Api.Security;

/// <summary>
/// What every dump of a config shows instead of key material: a copy of the config with each TLS credential's private
/// key replaced. The certificates stay (they are public, and show which credential a proxy holds).
/// </summary>
public static class CredentialRedaction
{
    public const string Redacted = "[redacted]";

    /// <summary>The config itself when it carries no private key (the usual case, no copy); otherwise a redacted copy.</summary>
    public static ProxyConfig Redact(ProxyConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!config.Clusters.Any(HasKey))
        {
            return config;
        }

        var copy = config.Clone();
        foreach (var cluster in copy.Clusters)
        {
            if (HasKey(cluster))
            {
                cluster.Tls.Credential.PrivateKey = Redacted;
            }
        }

        return copy;
    }

    private static bool HasKey(Cluster cluster) => cluster.Tls?.Credential is { PrivateKey.Length: > 0 };
}
