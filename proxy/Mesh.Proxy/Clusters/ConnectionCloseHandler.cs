namespace Mesh.Proxy.Clusters;

/// <summary>
/// Sends <c>Connection: close</c> on each HTTP/1.x request of a cluster whose connections carry one request
/// (Istio's connectionPool.http.maxRequestsPerConnection: 1). The handler already never reuses such a connection (its
/// pooled lifetime is zero); the header tells the server too (RFC 9112 §9.6), so it closes the connection after its
/// response instead of holding it open for a request that never comes.
/// </summary>
internal sealed class ConnectionCloseHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        // HTTP/2 has no Connection header (RFC 9113 §8.2.2). An upgraded connection leaves the pool anyway, and
        // "close" beside "upgrade" in its Connection header could make the server refuse the upgrade.
        if (!UpstreamClientCache.OpensHttp2(request) && !request.Headers.NonValidated.Contains("Upgrade"))
        {
            request.Headers.ConnectionClose = true;
        }

        return base.SendAsync(request, cancellationToken);
    }
}
