using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mesh.Api.Grpc;

public static class GrpcWireServiceCollectionExtensions
{
    /// <summary>Registers the gRPC server; then map methods with <c>endpoints.MapGrpcUnary(...)</c> and friends.</summary>
    public static IServiceCollection AddGrpcWire(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<GrpcServerOptions>();
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.AddRouting();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ActiveCallTracker>();
        services.TryAddSingleton<GrpcWireServices>();
        return services;
    }
}
