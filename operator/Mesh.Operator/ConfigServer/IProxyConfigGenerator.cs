using Mesh.Api.V1;

namespace Mesh.Operator.ConfigServer;

/// <summary>
/// Produces each proxy's configuration from one compiled state of the mesh. Implementations are immutable and
/// thread-safe: the config server calls <see cref="Generate"/> from many streams at once.
/// </summary>
public interface IProxyConfigGenerator
{
    VersionedProxyConfig Generate(Node node);
}
