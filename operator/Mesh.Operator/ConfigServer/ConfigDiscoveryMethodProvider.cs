using Grpc.AspNetCore.Server.Model;

namespace Mesh.Operator.ConfigServer;

/// <summary>
/// Binds <c>mesh.v1.ConfigDiscovery/StreamConfig</c> to <see cref="ConfigDiscoveryService"/> with
/// <see cref="ConfigResponseFrame"/> as its response type. A generated base class would fix the response type to
/// ConfigResponse and so serialize every config once per proxy; this binds the frame's marshaller instead.
/// </summary>
internal sealed class ConfigDiscoveryMethodProvider : IServiceMethodProvider<ConfigDiscoveryService>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<ConfigDiscoveryService> context) =>
        context.AddDuplexStreamingMethod(
            ConfigResponseFrame.StreamConfig,
            [],
            static (service, requests, responses, call) => service.StreamConfigAsync(requests, responses, call));
}
