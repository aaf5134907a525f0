using Mesh.Operator.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Mesh.Operator.Injection;

/// <summary>Wires the sidecar injection webhook into a host.</summary>
public static class InjectionWebhookExtensions
{
    /// <summary>
    /// Registers the webhook, its options and a default <see cref="INamespaceLabels"/> that knows no namespace
    /// (register another one, before or after, to honour <c>mesh.io/injection=enabled</c>).
    /// </summary>
    public static IServiceCollection AddInjectionWebhook(this IServiceCollection services, Action<InjectionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<InjectionOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddOperatorMetricsRegistry();
        services.TryAddSingleton<INamespaceLabels, NoNamespaceLabels>();
        services.TryAddSingleton<InjectionMetrics>();
        services.TryAddSingleton<InjectionWebhook>();
        return services;
    }

    /// <summary>Maps <c>POST /inject</c>.</summary>
    public static IEndpointRouteBuilder MapInjectionWebhook(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var webhook = endpoints.ServiceProvider.GetRequiredService<InjectionWebhook>();
        endpoints.MapPost("/inject", webhook.HandleAsync);
        return endpoints;
    }
}
