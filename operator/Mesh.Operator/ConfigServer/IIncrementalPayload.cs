using Mesh.Operator.Delta;

namespace Mesh.Operator.ConfigServer;

/// <summary>A payload that can be described as versioned resources, so the stream can send a delta instead of it.</summary>
internal interface IIncrementalPayload : IProxyConfigPayload
{
    ProxyResources Resources { get; }
}
