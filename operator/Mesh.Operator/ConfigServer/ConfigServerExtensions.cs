using Grpc.AspNetCore.Server.Model;
using Grpc.Health.V1;
using Grpc.Reflection;
using Mesh.Api.V1;
using Mesh.Operator.ConfigServer.Admission;
using Mesh.Operator.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.ConfigServer;

/// <summary>Registers and maps the config stream server (Grpc.AspNetCore), its health service and reflection.</summary>
internal static class ConfigServerExtensions
{
    /// <remarks>Streams are authenticated by the <see cref="Identity.IWorkloadAuthenticator"/> registered beside this
    /// (AddWorkloadIdentity); without one the server does not start: there is no unauthenticated mode.</remarks>
    public static IServiceCollection AddConfigServer(this IServiceCollection services, Action<ConfigServerOptions>? configure = null)
    {
        services.AddOperatorMetricsRegistry();
        services.AddOptions<ConfigServerOptions>().Configure(options => configure?.Invoke(options));
        services.AddGrpc();
        services.AddOptions<Grpc.AspNetCore.Server.GrpcServiceOptions>().Configure<IOptions<ConfigServerOptions>>((grpc, config) =>
        {
            grpc.MaxReceiveMessageSize = config.Value.MaxReceiveMessageSize;
            grpc.MaxSendMessageSize = config.Value.MaxSendMessageSize;
        });
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ProxyRegistry>();
        services.AddSingleton<OperatorMetrics>();
        services.AddSingleton(provider => new ConvergenceTracker(
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<OperatorMetrics>().Converged));
        services.AddSingleton<ServingState>();
        services.AddSingleton<ConfigDistributor>();
        services.AddSingleton<IConfigPublisher>(provider => provider.GetRequiredService<ConfigDistributor>());
        services.AddSingleton<StreamAuthenticator>();
        services.AddSingleton<StreamLimiter>();
        services.AddSingleton<NodeStreamClaims>();
        services.AddSingleton<StreamAdmission>();
        services.AddSingleton<Microsoft.AspNetCore.Connections.IMemoryPoolFactory<byte>, Hosting.RetentionBoundedMemoryPoolFactory>();
        services.AddSingleton<StreamMemoryReclaimer>();
        services.AddHostedService(provider => provider.GetRequiredService<StreamMemoryReclaimer>());
        services.AddOptions<Traffic.TrafficStoreOptions>();
        services.TryAddSingleton<Traffic.ITrafficStore, Traffic.TrafficStore>();
        services.AddSingleton<ConfigDiscoveryService>();
        services.AddSingleton<IServiceMethodProvider<ConfigDiscoveryService>, ConfigDiscoveryMethodProvider>();
        services.AddSingleton<HealthService>();

        // Reflection lists what is described here: it finds a service's descriptor through a generated base class,
        // and StreamConfig is bound without one (ConfigDiscoveryMethodProvider).
        ServiceDescriptorList descriptors =
        [
            ConfigDiscovery.Descriptor,
            Health.Descriptor,
            Grpc.Reflection.V1.ServerReflection.Descriptor,
            Grpc.Reflection.V1Alpha.ServerReflection.Descriptor,
        ];
        services.AddSingleton(new ReflectionServiceImpl(descriptors));
        services.AddSingleton(new ReflectionV1ServiceImpl(descriptors));
        services.AddGrpcReflection();
        return services;
    }

    /// <summary>StreamConfig, <c>grpc.health.v1.Health</c> and server reflection.</summary>
    public static void MapConfigDiscovery(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGrpcService<ConfigDiscoveryService>();
        endpoints.MapGrpcService<HealthService>();
        endpoints.MapGrpcReflectionService();
    }

    private sealed class ServiceDescriptorList : List<Google.Protobuf.Reflection.ServiceDescriptor>;
}
