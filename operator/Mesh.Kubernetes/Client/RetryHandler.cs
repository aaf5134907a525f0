using System.Net;
using Microsoft.Extensions.Logging;

namespace Mesh.Kubernetes.Client;

/// <summary>
/// What KubernetesClient lacks: a bounded retry of 429 (any verb: the server did not process the request) and
/// 5xx (idempotent verbs only), waiting what <c>Retry-After</c> or the Status' <c>retryAfterSeconds</c> asks.
/// </summary>
internal sealed partial class RetryHandler(KubernetesClientOptions options, TimeProvider timeProvider, ILogger logger) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode || attempt >= options.MaxRetries || !IsRetryable(request.Method, response.StatusCode))
            {
                return response;
            }

            using (response)
            {
                var status = await ApiErrors.ReadStatusAsync(response, cancellationToken);
                var delay = RetryDelay(response, status, attempt);
                LogRetrying(logger, request.Method.Method, request.RequestUri?.PathAndQuery, (int)response.StatusCode, delay.TotalMilliseconds, attempt + 1);
                await Task.Delay(delay, timeProvider, cancellationToken);
            }
        }
    }

    /// <summary>A 429 was not processed at all; a 5xx may have been, so only idempotent verbs repeat it.</summary>
    private static bool IsRetryable(HttpMethod method, HttpStatusCode code)
        => code == HttpStatusCode.TooManyRequests
            || ((int)code >= 500 && code != HttpStatusCode.NotImplemented
                && (method == HttpMethod.Get || method == HttpMethod.Put || method == HttpMethod.Delete));

    private TimeSpan RetryDelay(HttpResponseMessage response, k8s.Models.V1Status status, int attempt)
    {
        TimeSpan? requested = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - timeProvider.GetUtcNow(),
            _ => status.Details?.RetryAfterSeconds is int seconds ? TimeSpan.FromSeconds(seconds) : null,
        };
        var delay = requested ?? options.DefaultRetryDelay * Math.Pow(2, attempt);
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > options.MaxRetryDelay ? options.MaxRetryDelay : delay;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kubernetes API {Method} {Path} answered {StatusCode}; retrying in {DelayMs} ms (retry {Retry})")]
    private static partial void LogRetrying(ILogger logger, string method, string? path, int statusCode, double delayMs, int retry);
}
