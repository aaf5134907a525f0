using Mesh.Proxy.Clusters;
using Mesh.Proxy.Routing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mesh.Proxy.Forwarding;

/// <summary>
/// Fire-and-forget copies of requests (Istio's mirror). The copy is built before the caller's request goes on,
/// its authority gets Envoy's "-shadow" suffix, and its response or failure is discarded: it can never change
/// what the caller receives.
/// </summary>
internal sealed partial class MirrorSender
{
    private static readonly TimeSpan MirrorTimeout = TimeSpan.FromSeconds(30);

    private static readonly HashSet<string> SkippedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Connection", "Keep-Alive", "Transfer-Encoding", "TE", "Upgrade", "Proxy-Connection", "Content-Length",
    };

    private readonly TimeProvider _time;
    private readonly ILogger<MirrorSender> _logger;

    public MirrorSender(TimeProvider time, ILogger<MirrorSender> logger)
    {
        _time = time;
        _logger = logger;
    }

    /// <summary>Mirrors the request; a body that was not buffered (too large to replay) is not mirrored.</summary>
    public void Send(HttpContext context, MeshRoute route, RouteMatchBlock? block, ClusterRuntime cluster, byte[]? body)
    {
        if (body is null || cluster.Balancer.Pick(context, _time.GetTimestamp()) is not { } endpoint)
        {
            return;
        }

        var request = context.Request;
        var path = route.RewritePath(request.Path.Value ?? "/", block) + request.QueryString.Value;
        var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(endpoint.DestinationPrefix + path, UriKind.Absolute));
        if (body.Length > 0)
        {
            message.Content = new ByteArrayContent(body);
        }

        foreach (var (name, values) in request.Headers)
        {
            if (SkippedHeaders.Contains(name))
            {
                continue;
            }

            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        message.Headers.Host = (route.RewriteAuthority ?? request.Host.Host) + "-shadow" + (request.Host.Port is { } port ? ":" + port : string.Empty);
        _ = SendAsync(cluster, message);
    }

    private async Task SendAsync(ClusterRuntime cluster, HttpRequestMessage message)
    {
        using (message)
        {
            using var timeout = new CancellationTokenSource(MirrorTimeout, _time);
            try
            {
                using var response = await cluster.Client.Invoker.SendAsync(message, timeout.Token);
                await response.Content.CopyToAsync(Stream.Null, timeout.Token);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                LogMirrorFailed(cluster.Name, ex.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Mirror to cluster {Cluster} failed (the caller is unaffected): {Reason}")]
    private partial void LogMirrorFailed(string cluster, string reason);
}
