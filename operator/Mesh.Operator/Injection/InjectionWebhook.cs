using System.Buffers;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.Injection;

/// <summary>
/// <c>POST /inject</c>: reads an AdmissionReview v1, decides, and answers with the review's uid and, when it
/// injects, a JSON Patch. A body that is not a well-formed review gets 400 with the reason in plain text.
/// </summary>
internal sealed class InjectionWebhook
{
    private readonly InjectionOptions _options;
    private readonly SidecarTemplate _template;
    private readonly INamespaceLabels _namespaces;
    private readonly InjectionMetrics _metrics;
    private readonly ILogger<InjectionWebhook> _logger;

    public InjectionWebhook(IOptions<InjectionOptions> options, INamespaceLabels namespaces, InjectionMetrics metrics, ILogger<InjectionWebhook> logger)
    {
        _options = options.Value;
        _template = new SidecarTemplate(_options);
        _namespaces = namespaces;
        _metrics = metrics;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var (review, error) = await ReadReviewAsync(context.Request, cancellationToken);
        if (review?.Request is null)
        {
            InjectionLog.Malformed(_logger, error!);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(error!, cancellationToken);
            return;
        }

        var answer = new AdmissionReview
        {
            ApiVersion = AdmissionReview.ApiVersionV1,
            Kind = AdmissionReview.KindName,
            Response = await AdmitAsync(review.Request, cancellationToken),
        };
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, answer, AdmissionJsonContext.Default.AdmissionReview, cancellationToken);
    }

    internal async ValueTask<AdmissionResponse> AdmitAsync(AdmissionRequest request, CancellationToken cancellationToken)
    {
        var uid = request.Uid!;
        var isPod = request.Kind is { Group: null or "", Kind: "Pod" } && string.IsNullOrEmpty(request.SubResource);
        if (!isPod || request.Operation != "CREATE" || request.Object is not { } pod)
        {
            return new AdmissionResponse { Uid = uid, Allowed = true };
        }

        var namespaceName = request.Namespace is { Length: > 0 } ns ? ns
            : pod["metadata"]?["namespace"] is JsonValue value && value.TryGetValue(out string? own) ? own
            : "";
        var podName = PodName(pod);
        var labels = await _namespaces.GetLabelsAsync(namespaceName, cancellationToken);
        var decision = InjectionDecision.Decide(pod, namespaceName, labels, _options.OperatorNamespace);
        if (!decision.Inject)
        {
            InjectionLog.Skipped(_logger, namespaceName, podName, decision.Entry, decision.Reason);
            _metrics.Record("skipped", decision.Entry, decision.Reason);
            return new AdmissionResponse { Uid = uid, Allowed = true };
        }

        if (InjectionPrecheck.Problem(pod, _options) is { } problem)
        {
            InjectionLog.SkippedWithWarning(_logger, namespaceName, podName, problem.Warning);
            _metrics.Record("skipped", decision.Entry, problem.Reason);
            return new AdmissionResponse { Uid = uid, Allowed = true, Warnings = [problem.Warning] };
        }

        var overrides = ProxyOverrides.Read(pod["metadata"]?["annotations"] as JsonObject, _options.Resources, out var invalid);
        invalid ??= PodPatch.Conflict(pod);
        if (invalid is not null)
        {
            InjectionLog.Denied(_logger, namespaceName, podName, decision.Entry, invalid);
            _metrics.Record("denied", decision.Entry, "invalid-pod");
            return new AdmissionResponse
            {
                Uid = uid,
                Allowed = false,
                Status = new AdmissionStatus { Code = StatusCodes.Status400BadRequest, Reason = "BadRequest", Message = "mesh injection: " + invalid },
            };
        }

        var patch = PodPatch.Build(pod, _template, overrides);
        InjectionLog.Injected(_logger, namespaceName, podName, decision.Entry, decision.Reason, _template.Version);
        _metrics.Record("injected", decision.Entry, decision.Reason);
        return new AdmissionResponse
        {
            Uid = uid,
            Allowed = true,
            PatchType = AdmissionResponse.JsonPatchType,
            Patch = Encoding.UTF8.GetBytes(patch.ToJsonString()),
        };
    }

    private async ValueTask<(AdmissionReview? Review, string? Error)> ReadReviewAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !string.Equals(mediaType.MediaType, "application/json", StringComparison.OrdinalIgnoreCase))
        {
            return (null, $"content type must be application/json, got \"{request.ContentType}\"");
        }

        if (request.ContentLength > _options.MaxReviewBytes)
        {
            return (null, TooLarge());
        }

        var body = await ReadBoundedAsync(request.Body, _options.MaxReviewBytes, cancellationToken);
        if (body is null)
        {
            return (null, TooLarge());
        }

        AdmissionReview? review;
        try
        {
            review = JsonSerializer.Deserialize(body.WrittenSpan, AdmissionJsonContext.Default.AdmissionReview);
        }
        catch (JsonException e)
        {
            return (null, $"body is not a JSON AdmissionReview: {e.Message}");
        }
        catch (ArgumentException e)
        {
            // JsonObject reports a repeated key (rejected: AllowDuplicateProperties = false) as an ArgumentException.
            return (null, $"body is not a JSON AdmissionReview: {e.Message}");
        }

        return review switch
        {
            null => (null, "body is JSON null, not an AdmissionReview"),
            { ApiVersion: not AdmissionReview.ApiVersionV1 } => (null, $"apiVersion must be {AdmissionReview.ApiVersionV1}, got \"{review.ApiVersion}\""),
            { Kind: not AdmissionReview.KindName } => (null, $"kind must be {AdmissionReview.KindName}, got \"{review.Kind}\""),
            { Request: null } => (null, "the AdmissionReview has no request"),
            { Request.Uid: null or "" } => (null, "request.uid is missing"),
            { Request: { Object: null, Operation: "CREATE", Kind.Kind: "Pod" } } => (null, "request.object is missing for a pod CREATE"),
            { Request: { Object: { } pod, Kind.Kind: "Pod" } } when PodShape.Problem(pod) is { } problem => (null, "request.object is not a pod: " + problem),
            _ => (review, null),
        };
    }

    private string TooLarge() => $"body exceeds {_options.MaxReviewBytes} bytes";

    // Content-Length can be absent (chunked), so the limit is enforced on what is actually read.
    private static async ValueTask<ArrayBufferWriter<byte>?> ReadBoundedAsync(Stream body, int limit, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        while (true)
        {
            var read = await body.ReadAsync(buffer.GetMemory(8 * 1024), cancellationToken);
            if (read == 0)
            {
                return buffer;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                return null;
            }
        }
    }

    private static string PodName(JsonObject pod)
    {
        var metadata = pod["metadata"];
        return metadata?["name"] is JsonValue name && name.TryGetValue(out string? n) && n.Length > 0 ? n
            : metadata?["generateName"] is JsonValue prefix && prefix.TryGetValue(out string? p) ? p + "*"
            : "(unnamed)";
    }
}
