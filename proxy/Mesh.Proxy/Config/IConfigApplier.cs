using Mesh.Api.V1;

namespace Mesh.Proxy.Config;

/// <summary>Validates a received config, builds its runtime snapshot and swaps it in atomically.</summary>
public interface IConfigApplier
{
    /// <summary>The version of the config being served; null before the first one is applied.</summary>
    string? CurrentVersion { get; }

    /// <summary>
    /// ACK: the config is serving from now on. NACK: it was rejected (the reason says where and why) and the last
    /// good config keeps serving.
    /// </summary>
    ConfigApplyResult Apply(string version, ProxyConfig config);

    /// <summary>
    /// Applies an incremental response (discovery.proto's ConfigDelta) onto the config being served, as a whole:
    /// ACK, or NACK leaving the served config as it was (also when it is not the delta's base version).
    /// </summary>
    ConfigApplyResult ApplyDelta(string version, ProxyConfig changes, ConfigDelta delta);
}
