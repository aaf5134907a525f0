using System.Buffers;
using Mesh.Operator.ConfigServer;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.Hosting;

/// <summary>Gives Kestrel (every listener of the operator) <see cref="RetentionBoundedMemoryPool"/>s.</summary>
internal sealed class RetentionBoundedMemoryPoolFactory(IOptions<ConfigServerOptions> options) : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? poolOptions = null) =>
        new RetentionBoundedMemoryPool((int)Math.Max(1, options.Value.MaxRetainedTransportBufferBytes / RetentionBoundedMemoryPool.BlockSize));
}
