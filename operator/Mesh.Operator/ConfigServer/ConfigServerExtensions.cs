using Mesh.Api.Grpc;
using Mesh.Operator.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mesh.Operator.ConfigServer;

/// <summary>Registers and maps the config stream server.</summary>
internal static class ConfigServerExtensions
{
    public static IServiceCollection AddConfigServer(this IServiceCollection services, Action<ConfigServerOptions>? configure = null)
    {
        services.AddGrpcWire();
        services.AddOperatorMetricsRegistry();
        services.AddOptions<ConfigServerOptions>().Configure(options => configure?.Invoke(options));
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ProxyRegistry>();
        services.AddSingleton<OperatorMetrics>();
        services.AddSingleton(provider => new ConvergenceTracker(
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<OperatorMetrics>().Converged));
        services.AddSingleton<ConfigDistributor>();
        services.AddSingleton<IConfigPublisher>(provider => provider.GetRequiredService<ConfigDistributor>());
        services.AddSingleton<ConfigDiscoveryService>();
        return services;
    }

    public static IEndpointConventionBuilder MapConfigDiscovery(this IEndpointRouteBuilder endpoints)
    {
        var service = endpoints.ServiceProvider.GetRequiredService<ConfigDiscoveryService>();
        return endpoints.MapGrpcDuplexStreaming(ConfigResponseFrame.StreamConfig, service.StreamConfigAsync);
    }
}
