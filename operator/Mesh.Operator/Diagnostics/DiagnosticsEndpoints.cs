using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Mesh.Api.Security;
using Mesh.Api.V1;
using Mesh.Kubernetes;
using Mesh.Operator.ConfigServer;
using Mesh.Operator.Reconcile;
using Mesh.Operator.Sources;
using Mesh.Operator.Ui;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Mesh.Operator.Diagnostics;

/// <summary>
/// The operator's HTTP port: <c>/healthz</c>, <c>/readyz</c>, <c>/metrics</c>, <c>/debug/proxies</c>, <c>/debug/config?proxy=ID</c>
/// and <c>/debug/resources</c>; the debug ones behind <see cref="DebugHostFilter"/>, as is the dashboard (<c>/ui</c>,
/// <see cref="UiEndpoints"/>).
/// </summary>
internal static class DiagnosticsEndpoints
{
    private static readonly JsonFormatter ProtoJson = new(new JsonFormatter.Settings(formatDefaultValues: false));

    public static IEndpointRouteBuilder MapOperatorDiagnostics(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok\n"));
        endpoints.MapGet("/readyz", Ready);
        endpoints.MapGet("/metrics", ExportMetricsAsync);
        var debug = endpoints.MapGroup("/debug").AddEndpointFilter(DebugHostFilter.InvokeAsync);
        debug.MapGet("/proxies", (ProxyRegistry registry) => Results.Json(registry.Statuses(), KubernetesJson.Options));
        debug.MapGet("/config", Config);
        debug.MapGet("/resources", Resources);
        endpoints.MapOperatorUi();
        return endpoints;
    }

    private static async Task ExportMetricsAsync(HttpContext context, CollectorRegistry registry)
    {
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        await registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
    }

    private static IResult Ready(IResourceSource source, MeshReconciler reconciler)
    {
        if (!source.HasSynced)
        {
            return Results.Text($"not ready: source {source.Description} has not synced\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        return reconciler.FirstPublished.IsCompletedSuccessfully
            ? Results.Text("ok\n")
            : Results.Text("not ready: the first config has not been compiled\n", statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>
    /// The config a proxy gets now. <c>proxy</c> names a connected proxy's node id; for a proxy that is not connected,
    /// <c>namespace</c>, <c>labels</c> (<c>k=v,k=v</c>) and <c>serviceAccount</c> describe the workload instead.
    /// </summary>
    private static IResult Config(HttpContext context, ProxyRegistry registry, ConfigDistributor distributor)
    {
        var query = context.Request.Query;
        var proxyId = query["proxy"].ToString();
        Node node;
        if (proxyId.Length > 0)
        {
            if (registry.FindByNodeId(proxyId) is not { } connection)
            {
                return Results.Text($"no connected proxy has id '{proxyId}'; see /debug/proxies\n", statusCode: StatusCodes.Status404NotFound);
            }

            node = connection.Node;
        }
        else if (query["namespace"].ToString() is { Length: > 0 } ns)
        {
            node = new Node { Id = "preview", Namespace = ns, ServiceAccount = query["serviceAccount"].ToString() };
            if (!TryParseLabels(query["labels"].ToString(), node, out var error))
            {
                return Results.Text(error + "\n", statusCode: StatusCodes.Status400BadRequest);
            }
        }
        else
        {
            return Results.Text("give ?proxy=NODE_ID, or ?namespace=NS&labels=k=v,k=v&serviceAccount=SA\n", statusCode: StatusCodes.Status400BadRequest);
        }

        if (distributor.Preview(node) is not { } config)
        {
            return Results.Text("no config compiled yet\n", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var document = new JsonObject
        {
            ["version"] = config.Version,
            ["config"] = JsonNode.Parse(ProtoJson.Format(CredentialRedaction.Redact(config.Config))),
        };
        return Results.Text(document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n", "application/json");
    }

    private static IResult Resources(MeshReconciler reconciler) =>
        Results.Json(
            reconciler.LastResults.Select(result => new
            {
                kind = result.Resource.Kind,
                @namespace = result.Resource.Namespace,
                name = result.Resource.Name,
                // Without lastTransitionTime: the status writer stamps it when it writes to the API server, so here
                // it would always read as the year 1.
                conditions = result.Conditions.Select(c => new { type = c.Type, status = c.Status, reason = c.Reason, message = c.Message, observedGeneration = c.ObservedGeneration }),
                problems = result.Diagnostics.Select(d => new { path = d.Path, severity = d.Severity.ToString(), message = d.Message }),
            }),
            KubernetesJson.Options);

    private static bool TryParseLabels(string text, Node node, out string error)
    {
        error = "";
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                error = $"labels: '{pair}' is not key=value";
                return false;
            }

            node.Labels[pair[..equals]] = pair[(equals + 1)..];
        }

        return true;
    }
}
