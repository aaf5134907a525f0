using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Prometheus;

namespace Mesh.Operator.Telemetry;

/// <summary>The host's own prometheus-net registry, which <c>/metrics</c> exports.</summary>
internal static class MetricsServiceCollectionExtensions
{
    /// <summary>
    /// One registry per host, never the library's static default: tests run several operators in one process, and
    /// the default registry would also start prometheus-net's event-counter and meter adapters on its first export.
    /// </summary>
    public static IServiceCollection AddOperatorMetricsRegistry(this IServiceCollection services)
    {
        services.TryAddSingleton(_ => Metrics.NewCustomRegistry());
        return services;
    }
}
