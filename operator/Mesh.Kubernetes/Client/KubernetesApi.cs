using System.Net;
using System.Net.Http.Headers;

namespace Mesh.Kubernetes.Client;

/// <summary>
/// KubernetesClient's <see cref="k8s.Kubernetes"/> (its connection pool, TLS trust, client certificate and
/// credential providers: tokens, token files, exec and auth-provider plugins) with one request entry point for any
/// path, so that the mesh's own resources and every built-in type go through the same pipeline.
/// </summary>
internal sealed class KubernetesApi(k8s.KubernetesClientConfiguration config, params DelegatingHandler[] handlers)
    : k8s.Kubernetes(config, handlers)
{
    /// <summary>
    /// Sends <paramref name="pathAndQuery"/> (relative to the server URL, whose path prefix survives) and returns
    /// the successful response with only its headers read; failures throw <see cref="k8s.Autorest.HttpOperationException"/>.
    /// </summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string pathAndQuery, byte[]? body, string? mediaType, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, new Uri(BaseUri, pathAndQuery.TrimStart('/')))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType ?? "application/json");
        }

        // The library logs the request body only on failure; the mesh never sends secrets in bodies it would log.
        return SendRequestRaw("", request, cancellationToken);
    }
}
