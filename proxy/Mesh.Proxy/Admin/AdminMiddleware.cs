using System.Text.Json;
using Google.Protobuf;
using Mesh.Api.Security;
using Mesh.Proxy.Lifecycle;
using Mesh.Proxy.Runtime;
using Mesh.Proxy.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;

namespace Mesh.Proxy.Admin;

/// <summary>
/// The admin listener: /ready, /config_dump, /clusters, /stats/prometheus and POST /quitquitquit, behind
/// <see cref="AdminRequestGuard"/>.
/// </summary>
internal sealed class AdminMiddleware
{
    private readonly SnapshotHolder _snapshots;
    private readonly DrainState _drain;
    private readonly ProxyMetrics _metrics;
    private readonly IHostApplicationLifetime _lifetime;
    private readonly TimeProvider _time;
    private readonly LocalHostPolicy _hosts;

    public AdminMiddleware(SnapshotHolder snapshots, DrainState drain, ProxyMetrics metrics, IHostApplicationLifetime lifetime, TimeProvider time, LocalHostPolicy hosts)
    {
        _hosts = hosts;
        _snapshots = snapshots;
        _drain = drain;
        _metrics = metrics;
        _lifetime = lifetime;
        _time = time;
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (AdminRequestGuard.Refusal(context, _hosts) is { } refusal)
        {
            return Text(context, StatusCodes.Status403Forbidden, refusal + "\n");
        }

        var path = context.Request.Path.Value;
        var method = context.Request.Method;
        return path switch
        {
            "/ready" => Ready(context),
            "/config_dump" => ConfigDump(context),
            "/clusters" => Clusters(context),
            "/stats/prometheus" => Stats(context),
            "/quitquitquit" when HttpMethods.IsPost(method) => Quit(context),
            "/quitquitquit" => Text(context, StatusCodes.Status405MethodNotAllowed, "use POST\n"),
            _ => Text(context, StatusCodes.Status404NotFound, "admin endpoints: /ready /config_dump /clusters /stats/prometheus POST /quitquitquit\n"),
        };
    }

    private Task Stats(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = ProxyMetrics.ContentType;
        return _metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
    }

    private Task Ready(HttpContext context)
    {
        if (_drain.IsDraining)
        {
            return Text(context, StatusCodes.Status503ServiceUnavailable, "draining\n");
        }

        return _snapshots.Current is null
            ? Text(context, StatusCodes.Status503ServiceUnavailable, "no config applied yet\n")
            : Text(context, StatusCodes.Status200OK, "ready\n");
    }

    private Task ConfigDump(HttpContext context)
    {
        var snapshot = _snapshots.Current;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("version", snapshot?.Version);
            json.WritePropertyName("config");
            if (snapshot is null)
            {
                json.WriteNullValue();
            }
            else
            {
                json.WriteRawValue(JsonFormatter.Default.Format(CredentialRedaction.Redact(snapshot.Config)));
            }

            json.WriteEndObject();
        }

        return Json(context, buffer);
    }

    private Task Clusters(HttpContext context)
    {
        var snapshot = _snapshots.Current;
        var now = _time.GetTimestamp();
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("version", snapshot?.Version);
            json.WriteStartArray("clusters");
            foreach (var cluster in snapshot?.Clusters.Values.OrderBy(c => c.Name, StringComparer.Ordinal) ?? Enumerable.Empty<Clusters.ClusterRuntime>())
            {
                json.WriteStartObject();
                json.WriteString("name", cluster.Name);
                json.WriteString("service", cluster.ServiceHost);
                json.WriteString("subset", cluster.Subset);
                json.WriteNumber("active_requests", cluster.Stats.InFlight);
                json.WriteNumber("open_connections", cluster.Client.OpenConnections);
                json.WriteStartArray("endpoints");
                foreach (var endpoint in cluster.Endpoints)
                {
                    var ejected = endpoint.Stats.IsEjected(now);
                    json.WriteStartObject();
                    json.WriteString("address", endpoint.Address);
                    json.WriteNumber("port", endpoint.Port);
                    json.WriteNumber("weight", endpoint.Weight);
                    json.WriteString("workload", endpoint.Workload);
                    json.WriteString("health", ejected ? "ejected" : "healthy");
                    json.WriteBoolean("ejected", ejected);
                    json.WriteNumber("ejection_count", endpoint.Stats.EjectionCount);
                    if (ejected)
                    {
                        json.WriteNumber("ejected_for_seconds", Math.Round(_time.GetElapsedTime(now, endpoint.Stats.EjectedUntil).TotalSeconds, 3));
                    }

                    json.WriteNumber("active_requests", endpoint.Stats.InFlight);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Json(context, buffer);
    }

    private async Task Quit(HttpContext context)
    {
        await Text(context, StatusCodes.Status200OK, "shutting down\n");
        await context.Response.CompleteAsync();
        _lifetime.StopApplication();
    }

    private static Task Json(HttpContext context, MemoryStream buffer)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        return context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted).AsTask();
    }

    private static Task Text(HttpContext context, int status, string text, string contentType = "text/plain; charset=utf-8")
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(text, context.RequestAborted);
    }
}
