using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mesh.Kubernetes.Config;
using Mesh.Kubernetes.Models;
using Microsoft.Extensions.Logging;

namespace Mesh.Kubernetes.Client;

/// <summary>
/// Sends one API request: authentication, the retry policy for 429 and 5xx (honouring Retry-After) and the
/// translation of failures into <see cref="KubernetesException"/>.
/// </summary>
internal sealed partial class KubernetesRequestSender : IDisposable
{
    private const int MaxErrorBodyChars = 1024;

    private readonly HttpClient _http;
    private readonly BearerTokenSource _token;
    private readonly KubernetesClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _server;
    private readonly string? _tlsServerName;

    public KubernetesRequestSender(
        KubernetesClientConfiguration config,
        HttpMessageHandler handler,
        KubernetesClientOptions options,
        TimeProvider timeProvider,
        ILogger logger)
    {
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        // Concatenated rather than resolved so that a path prefix of the server URL (a proxying gateway) survives.
        _server = config.Server.AbsoluteUri.TrimEnd('/');
        _tlsServerName = config.TlsServerName;
        _token = new BearerTokenSource(config.Token, config.TokenFile, timeProvider, options.TokenFileRefreshInterval);
        _http = new HttpClient(handler, disposeHandler: true)
        {
            Timeout = options.RequestTimeout,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd(options.UserAgent);
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
    }

    /// <summary>
    /// Returns a successful response (the caller disposes it); with <paramref name="streaming"/> only its headers
    /// have been read.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(
        HttpMethod method,
        string pathAndQuery,
        byte[]? body,
        string? mediaType,
        bool streaming,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, _server + pathAndQuery);
            if (body is not null)
            {
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue(mediaType ?? "application/json");
            }

            if (_tlsServerName is not null)
            {
                // SocketsHttpHandler takes the TLS server name (SNI and certificate check) from the Host header.
                request.Headers.Host = _tlsServerName;
            }

            var token = _token.GetToken();
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            var response = await _http.SendAsync(
                request,
                streaming ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead,
                cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                var status = await ReadStatusAsync(response, cancellationToken);
                if (attempt >= _options.MaxRetries || !IsRetryable(method, response.StatusCode))
                {
                    throw new KubernetesException(status);
                }

                var delay = RetryDelay(response, status, attempt);
                LogRetrying(_logger, method.Method, pathAndQuery, (int)response.StatusCode, delay.TotalMilliseconds, attempt + 1);
                await Task.Delay(delay, _timeProvider, cancellationToken);
            }
        }
    }

    /// <summary>A 429 was not processed at all; a 5xx may have been, so only idempotent verbs repeat it.</summary>
    private static bool IsRetryable(HttpMethod method, HttpStatusCode code)
        => code == HttpStatusCode.TooManyRequests
            || ((int)code >= 500 && code != HttpStatusCode.NotImplemented
                && (method == HttpMethod.Get || method == HttpMethod.Put || method == HttpMethod.Delete));

    private TimeSpan RetryDelay(HttpResponseMessage response, Status status, int attempt)
    {
        TimeSpan? requested = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - _timeProvider.GetUtcNow(),
            _ => status.Details?.RetryAfterSeconds is int seconds ? TimeSpan.FromSeconds(seconds) : null,
        };
        var delay = requested ?? _options.DefaultRetryDelay * Math.Pow(2, attempt);
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > _options.MaxRetryDelay ? _options.MaxRetryDelay : delay;
    }

    /// <summary>The API server's Status from the body, or one synthesized from the HTTP status (a proxy's HTML page).</summary>
    internal static async Task<Status> ReadStatusAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        try
        {
            var status = JsonSerializer.Deserialize<Status>(bytes, KubernetesJson.Options);
            if (status is { Kind: "Status" })
            {
                status.Code ??= (int)response.StatusCode;
                return status;
            }
        }
        catch (JsonException)
        {
            // Not a Status: described below from the HTTP status and the text.
        }

        var text = Encoding.UTF8.GetString(bytes);
        return new Status
        {
            Outcome = "Failure",
            Code = (int)response.StatusCode,
            Reason = ReasonOf(response.StatusCode),
            Message = text.Length > MaxErrorBodyChars ? text[..MaxErrorBodyChars] : text,
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

    public void Dispose() => _http.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kubernetes API {Method} {Path} answered {StatusCode}; retrying in {DelayMs} ms (retry {Retry})")]
    private static partial void LogRetrying(ILogger logger, string method, string path, int statusCode, double delayMs, int retry);
}
