using Mesh.Kubernetes;
using Mesh.Operator.ConfigServer;
using Mesh.Operator.Diagnostics;
using Mesh.Operator.Reconcile;
using Mesh.Operator.Traffic;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Operator.Ui;

/// <summary>
/// The dashboard on the operator's HTTP port: the app's files under <c>/ui/</c> and its read-only JSON under
/// <c>/ui/api/</c>. Bound like <c>/debug/*</c> (<see cref="DebugHostFilter"/>: a Host naming this machine only), with
/// <see cref="UiHeaders"/> on every response.
/// </summary>
internal static class UiEndpoints
{
    /// <summary>The graph's default window: the last minute (six buckets), as a live view.</summary>
    private static readonly TimeSpan DefaultGraphWindow = TimeSpan.FromSeconds(60);

    public static IEndpointRouteBuilder MapOperatorUi(this IEndpointRouteBuilder endpoints)
    {
        var ui = endpoints.MapGroup("/ui").AddEndpointFilter(DebugHostFilter.InvokeAsync).AddEndpointFilter(UiHeaders.InvokeAsync);
        var api = ui.MapGroup("/api");
        api.MapGet("/graph", Graph);
        api.MapGet("/services/{service}", (string service, ITrafficStore store, TimeProvider time) =>
            Results.Json(ServiceView.Build(service, store.History(service), store.BucketWidth, time.GetUtcNow()), KubernetesJson.Options));
        api.MapGet("/resources", Resources);
        api.MapGet("/proxies", Proxies);
        api.MapGet("/proxies/diff", Diff);
        api.MapGet("/{**rest}", (string rest) => Results.Json(new { error = $"no API at /ui/api/{rest}" }, statusCode: StatusCodes.Status404NotFound));
        ui.MapGet("/{**path}", Asset);
        return endpoints;
    }

    private static IResult Graph(HttpContext context, ITrafficStore store)
    {
        var window = DefaultGraphWindow;
        if (context.Request.Query["window"] is { Count: > 0 } text)
        {
            if (!int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var seconds) || seconds <= 0)
            {
                return Results.Json(new { error = $"window: '{text}' is not a positive number of seconds" }, statusCode: StatusCodes.Status400BadRequest);
            }

            window = TimeSpan.FromSeconds(seconds);
        }

        var edges = store.Edges(window);
        var covered = edges.Count > 0 ? edges[0].Seconds : Math.Ceiling(window / store.BucketWidth) * store.BucketWidth.TotalSeconds;
        return Results.Json(GraphView.Build(edges, store.Stats, covered), KubernetesJson.Options);
    }

    private static IResult Resources(MeshReconciler reconciler) =>
        Results.Json(
            reconciler.LastResults
                .OrderBy(r => r.Resource.Kind, StringComparer.Ordinal)
                .ThenBy(r => r.Resource.Namespace, StringComparer.Ordinal)
                .ThenBy(r => r.Resource.Name, StringComparer.Ordinal)
                .Select(result => new
                {
                    kind = result.Resource.Kind,
                    @namespace = result.Resource.Namespace,
                    name = result.Resource.Name,
                    accepted = result.IsAccepted,
                    conditions = result.Conditions.Select(c => new { type = c.Type, status = c.Status, reason = c.Reason, message = c.Message }),
                    problems = result.Diagnostics.Select(d => new { path = d.Path, severity = d.Severity.ToString(), message = d.Message }),
                }),
            KubernetesJson.Options);

    private static IResult Proxies(ProxyRegistry registry, ConfigDistributor distributor) =>
        Results.Json(ProxiesView.Build(registry.Connections, node => distributor.Preview(node)?.Version), KubernetesJson.Options);

    private static IResult Diff(HttpContext context, ProxyRegistry registry, ConfigDistributor distributor)
    {
        var id = context.Request.Query["proxy"].ToString();
        if (registry.FindByNodeId(id) is not { } connection)
        {
            return Results.Json(new { error = $"proxy: no connected proxy has id '{id}'" }, statusCode: StatusCodes.Status404NotFound);
        }

        if (distributor.Preview(connection.Node) is not { } expected)
        {
            return Results.Json(new { error = "no config compiled yet" }, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        var served = connection.LastAcked;
        return Results.Json(
            new
            {
                proxy = id,
                servedVersion = served?.Version,
                expectedVersion = expected.Version,
                changes = ConfigDiff.Between(served?.Config, expected.Config),
            },
            KubernetesJson.Options);
    }

    private static IResult Asset(HttpContext context, string? path, UiAssets assets)
    {
        // Routing matches /ui and /ui/ alike; the page's relative links need the slash.
        if (context.Request.Path.Value == "/ui")
        {
            return Results.Redirect("/ui/");
        }

        // Client-side routes (#/...) never reach here; any other unknown path is a 404, not the app.
        if (assets.Find(path ?? "") is not { } asset)
        {
            return Results.Text($"no file /ui/{path}\n", statusCode: StatusCodes.Status404NotFound);
        }

        context.Response.Headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch is { Count: > 0 } match && match.Contains(asset.ETag))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(asset.Content, asset.ContentType);
    }
}
