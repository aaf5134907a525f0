using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Mesh.Kubernetes.Client;
using Microsoft.AspNetCore.Http;

namespace Mesh.Kubernetes.Tests.Fixtures;

/// <summary>The REST routes: /api/v1/... and /apis/GROUP/VERSION/..., [namespaces/NS/]PLURAL[/NAME[/status]].</summary>
internal sealed partial class FakeApiServer
{
    private async Task RouteAsync(HttpContext context, FakeRequest recorded)
    {
        if (IsTokenReview(recorded))
        {
            await ReviewTokenAsync(context);
            return;
        }

        var (type, ns, name, status) = ParsePath(recorded.Path);
        var request = context.Request;
        switch (request.Method, name)
        {
            case ("GET", null) when recorded.IsWatch:
                await WatchAsync(context, type, ns);
                return;
            case ("GET", null):
                var selector = FakeSelector.Parse(request.Query["labelSelector"], request.Query["fieldSelector"]);
                var limit = int.TryParse(request.Query["limit"], CultureInfo.InvariantCulture, out var l) ? l : (int?)null;
                var (items, version, next) = Store.List(type, ns, selector, limit, request.Query["continue"], request.Query["resourceVersion"]);
                await WriteJsonAsync(context, 200, new JsonObject
                {
                    ["kind"] = type.Kind + "List",
                    ["apiVersion"] = type.ApiVersion,
                    ["metadata"] = next is null
                        ? new JsonObject { ["resourceVersion"] = version }
                        : new JsonObject { ["resourceVersion"] = version, ["continue"] = next },
                    ["items"] = new JsonArray([.. items]),
                });
                return;
            case ("GET", { } getName):
                var obj = Store.Get(type, ns, getName);
                await WriteJsonAsync(context, 200, obj);
                return;
            case ("POST", null):
                await WriteJsonAsync(context, 201, Store.Create(type, ns, await ReadObjectAsync(request)));
                return;
            case ("PUT", { } putName):
                await WriteJsonAsync(context, 200, Store.Replace(type, ns, putName, await ReadObjectAsync(request), status));
                return;
            case ("PATCH", { } patchName):
                await WriteJsonAsync(context, 200, await PatchAsync(request, type, ns, patchName, status));
                return;
            case ("DELETE", { } deleteName):
                var options = request.ContentLength > 0 ? await ReadObjectAsync(request) : null;
                var precondition = (options?["preconditions"]?["resourceVersion"] as JsonValue)?.GetValue<string>();
                await WriteJsonAsync(context, 200, Store.Delete(type, ns, deleteName, precondition));
                return;
            default:
                throw new FakeApiError(405, "MethodNotAllowed", $"the server does not allow this method on the requested resource");
        }
    }

    private async Task<JsonObject> PatchAsync(HttpRequest request, ResourceType type, string? ns, string name, bool status)
    {
        var body = await ReadBodyAsync(request);
        var patch = JsonNode.Parse(body);
        var mediaType = request.ContentType?.Split(';')[0].Trim();
        return mediaType switch
        {
            "application/merge-patch+json" => Store.Patch(type, ns, name, current => AsObject(JsonMergePatch.Apply(current, patch)), status, createIfMissing: false),
            "application/json-patch+json" => Store.Patch(type, ns, name, current => AsObject(JsonPatch.Apply(current, patch)), status, createIfMissing: false),
            "application/apply-patch+yaml" => Apply(request, type, ns, name, patch, status),
            _ => throw new FakeApiError(415, "UnsupportedMediaType", $"the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml"),
        };
    }

    /// <summary>
    /// A simplified server-side apply: the applied configuration merges into the object (created when absent);
    /// field ownership is not tracked. The fake accepts JSON-formatted YAML only.
    /// </summary>
    private JsonObject Apply(HttpRequest request, ResourceType type, string? ns, string name, JsonNode? patch, bool status)
    {
        if (string.IsNullOrEmpty(request.Query["fieldManager"]))
        {
            throw FakeApiError.BadRequest("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
        }

        if (patch is not JsonObject applied || (applied["apiVersion"] as JsonValue)?.GetValue<string>() != type.ApiVersion
            || (applied["kind"] as JsonValue)?.GetValue<string>() != type.Kind)
        {
            throw FakeApiError.BadRequest("apiVersion and kind must be set and match the resource");
        }

        if (FakeObjects.Name(applied) is { } appliedName && appliedName != name)
        {
            throw FakeApiError.BadRequest("metadata.name must match the name in the URL");
        }

        return Store.Patch(type, ns, name, current => AsObject(JsonMergePatch.Apply(current, applied)), status, createIfMissing: !status);
    }

    private async Task WatchAsync(HttpContext context, ResourceType type, string? ns)
    {
        var query = context.Request.Query;
        var selector = FakeSelector.Parse(query["labelSelector"], query["fieldSelector"]);
        var watch = Store.Watch(type, ns, selector, query["resourceVersion"], query["allowWatchBookmarks"] is ["true"]);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (int.TryParse(query["timeoutSeconds"], CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        }

        try
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            await context.Response.StartAsync(context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await foreach (var line in watch.Lines.ReadAllAsync(timeout.Token))
            {
                await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), timeout.Token);
                await context.Response.Body.FlushAsync(timeout.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The watch timed out or the client went away: end the stream without an error, as the server does.
        }
        catch (FakeConnectionAborted)
        {
            context.Abort();
        }
        finally
        {
            Store.Unregister(watch);
        }
    }

    private (ResourceType Type, string? Namespace, string? Name, bool Status) ParsePath(string path)
    {
        var segments = path.Trim('/').Split('/');
        int rest;
        (string Group, string Version) gv;
        if (segments is ["api", var coreVersion, ..])
        {
            gv = ("", coreVersion);
            rest = 2;
        }
        else if (segments is ["apis", var group, var version, ..])
        {
            gv = (group, version);
            rest = 3;
        }
        else
        {
            throw FakeApiError.NotFound("path", path);
        }

        string? ns = null;
        if (segments.Length >= rest + 3 && segments[rest] == "namespaces" && _types.ContainsKey((gv.Group, gv.Version, segments[rest + 2])))
        {
            ns = segments[rest + 1];
            rest += 2;
        }

        if (segments.Length <= rest || !_types.TryGetValue((gv.Group, gv.Version, segments[rest]), out var type))
        {
            throw FakeApiError.NotFound("resource", path);
        }

        var name = segments.Length > rest + 1 ? Uri.UnescapeDataString(segments[rest + 1]) : null;
        var status = segments.Length > rest + 2 && segments[rest + 2] == "status";
        if (segments.Length > rest + 3 || (segments.Length == rest + 3 && !status))
        {
            throw FakeApiError.NotFound("subresource", path);
        }

        if (type.Namespaced && ns is null && name is not null)
        {
            throw FakeApiError.NotFound("namespace", path);
        }

        return (type, ns, name, status);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpRequest request)
        => AsObject(JsonNode.Parse(await ReadBodyAsync(request)));

    private static async Task<string> ReadBodyAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
    }

    private static JsonObject AsObject(JsonNode? node)
        => node as JsonObject ?? throw FakeApiError.BadRequest("the body must be a JSON object");
}
