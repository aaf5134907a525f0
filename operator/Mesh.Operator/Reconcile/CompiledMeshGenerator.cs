using System.Buffers;
using System.Runtime.CompilerServices;
using Mesh.Api.V1;
using Mesh.Operator.Compiler;
using Mesh.Operator.ConfigServer;

namespace Mesh.Operator.Reconcile;

/// <summary>Serves each proxy its config from one <see cref="CompiledMesh"/>.</summary>
internal sealed class CompiledMeshGenerator(CompiledMesh mesh) : IProxyConfigGenerator
{
    public CompiledMesh Mesh { get; } = mesh;

    // One served form per config object: a config the next compile keeps (a proxy the change leaves alone) is offered
    // again without allocating.
    private static readonly ConditionalWeakTable<CompiledProxyConfig, VersionedProxyConfig> Served = [];

    public VersionedProxyConfig Generate(Node node) =>
        Served.GetValue(Mesh.ConfigFor(node), static compiled => new VersionedProxyConfig(compiled.Version, new CompiledPayload(compiled)));

    // Writes the config from the parts it shares with other proxies instead of serializing a message per push.
    private sealed class CompiledPayload(CompiledProxyConfig config) : IIncrementalPayload
    {
        public Delta.ProxyResources Resources => config.Resources;

        public int Length => config.SerializedLength;

        public void WriteTo(IBufferWriter<byte> destination) => config.WriteTo(destination);

        public ProxyConfig ToMessage() => config.ToProxyConfig();
    }
}
