namespace Mesh.Proxy.Config;

/// <summary>The answer to a received config: ACK, or NACK with a reason. <see cref="Version"/> is the version now serving.</summary>
public sealed record ConfigApplyResult(bool Accepted, string? Version, string? Error)
{
    public static ConfigApplyResult Ack(string version) => new(true, version, null);

    public static ConfigApplyResult Nack(string? servingVersion, string error) => new(false, servingVersion, error);
}
