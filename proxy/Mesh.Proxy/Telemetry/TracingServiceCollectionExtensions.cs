using Mesh.Proxy.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Mesh.Proxy.Telemetry;

/// <summary>Span export: OpenTelemetry listening to <see cref="ProxyTracing.Source"/>, to OTLP/HTTP and/or Zipkin.</summary>
internal static class TracingServiceCollectionExtensions
{
    // Spans leave in batches at most this often; short enough that a trace shows up while someone is looking for it.
    private const int ExportDelayMilliseconds = 1000;

    /// <summary>Registers export when an endpoint is configured; with none there is no listener and no span is made.</summary>
    public static IServiceCollection AddProxyTracing(this IServiceCollection services, ProxyOptions options)
    {
        if (options.OtlpEndpoint is null && options.ZipkinEndpoint is null)
        {
            return services;
        }

        // The hosted service it registers builds the tracer provider at start; the container disposes it (flushing
        // pending spans) on shutdown. Spans are named for the workload as Istio names them (APP.NAMESPACE), which is
        // what Zipkin's and Jaeger's service lists and dependency graphs show.
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService($"{options.SourceWorkload}.{options.Namespace}", serviceInstanceId: options.NodeId))
            .WithTracing(tracing =>
            {
                tracing.AddSource(ProxyTracing.SourceName);
                if (options.OtlpEndpoint is { } otlp)
                {
                    tracing.AddOtlpExporter(o =>
                    {
                        o.Protocol = OtlpExportProtocol.HttpProtobuf;
                        o.Endpoint = new Uri(otlp, "v1/traces");
                        o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = ExportDelayMilliseconds;
                    });
                }

                if (options.ZipkinEndpoint is { } zipkin)
                {
                    // OpenTelemetry marks its Zipkin exporter obsolete in favour of OTLP, but a Zipkin server takes only
                    // its v2 JSON (OTLP needs an extra module there), and that is what Zipkin users run.
#pragma warning disable CS0618
                    tracing.AddZipkinExporter(o =>
#pragma warning restore CS0618
                    {
                        o.Endpoint = zipkin;
                        o.BatchExportProcessorOptions.ScheduledDelayMilliseconds = ExportDelayMilliseconds;
                    });
                }
            });
        return services;
    }
}
