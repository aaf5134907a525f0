using System.Net;
using System.Text;
using System.Text.Json;
using k8s.Autorest;
using k8s.Models;

namespace Mesh.Kubernetes.Client;

/// <summary>Turns the API server's error answers into its <see cref="V1Status"/>.</summary>
internal static class ApiErrors
{
    private const int MaxErrorBodyChars = 1024;

    public static KubernetesException From(HttpOperationException e)
        => new(Describe(e.Response?.StatusCode ?? 0, e.Response?.Content ?? ""), e);

    public static async Task<V1Status> ReadStatusAsync(HttpResponseMessage response, CancellationToken cancellationToken)
        => Describe(response.StatusCode, Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(cancellationToken)));

    /// <summary>The API server's Status from the body, or one synthesized from the HTTP status (a proxy's HTML page).</summary>
    public static V1Status Describe(HttpStatusCode code, string body)
    {
        try
        {
            var status = body.Length == 0 ? null : JsonSerializer.Deserialize<V1Status>(body, KubernetesJson.Options);
            if (status is { Kind: "Status" })
            {
                status.Code ??= (int)code;
                return status;
            }
        }
        catch (JsonException)
        {
            // Not a Status: described below from the HTTP status and the text.
        }

        return new V1Status
        {
            ApiVersion = "v1",
            Kind = "Status",
            Status = "Failure",
            Code = (int)code,
            Reason = ReasonOf(code),
            Message = body.Length > MaxErrorBodyChars ? body[..MaxErrorBodyChars] : body,
        };
    }

    private static string ReasonOf(HttpStatusCode code) => code switch
    {
        HttpStatusCode.BadRequest => "BadRequest",
        HttpStatusCode.Unauthorized => "Unauthorized",
        HttpStatusCode.Forbidden => "Forbidden",
        HttpStatusCode.NotFound => "NotFound",
        HttpStatusCode.MethodNotAllowed => "MethodNotAllowed",
        HttpStatusCode.Conflict => "Conflict",
        HttpStatusCode.Gone => "Expired",
        HttpStatusCode.UnprocessableEntity => "Invalid",
        HttpStatusCode.TooManyRequests => "TooManyRequests",
        HttpStatusCode.GatewayTimeout => "Timeout",
        HttpStatusCode.ServiceUnavailable => "ServiceUnavailable",
        _ => (int)code >= 500 ? "InternalError" : "Unknown",
    };
}
