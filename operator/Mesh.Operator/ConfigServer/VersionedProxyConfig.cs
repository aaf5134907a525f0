using Mesh.Api.V1;

namespace Mesh.Operator.ConfigServer;

/// <summary>One proxy's configuration as the stream sends it, with its version (a hash of its content).</summary>
public sealed class VersionedProxyConfig
{
    public VersionedProxyConfig(string version, ProxyConfig config)
        : this(version, new MessagePayload(config, version))
    {
    }

    public VersionedProxyConfig(string version, IProxyConfigPayload payload)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(payload);
        Version = version;
        Payload = payload;
    }

    public string Version { get; }

    /// <summary>What the stream writes; shared, never copied, by every push of this config.</summary>
    public IProxyConfigPayload Payload { get; }

    /// <summary>The config as a message, built on demand; the stream writes <see cref="Payload"/> instead.</summary>
    public ProxyConfig Config => Payload.ToMessage();
}
