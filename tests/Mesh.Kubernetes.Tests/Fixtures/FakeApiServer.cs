using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Kubernetes.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Kubernetes.Tests.Fixtures;

/// <summary>
/// A FAKE Kubernetes API server for tests: Kestrel on 127.0.0.1 speaking the real REST and watch wire format
/// (resourceVersions, paging, watch events, bookmarks, 410 Gone, status subresource, merge/JSON/apply patches)
/// with fault injection (429 with Retry-After, 5xx, closed and expired watches).
/// </summary>
internal sealed partial class FakeApiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<(string Group, string Version, string Plural), ResourceType> _types;
    private readonly ConcurrentQueue<FakeRequest> _requests = new();
    private readonly List<InjectedFault> _faults = [];

    private FakeApiServer(WebApplication app, IEnumerable<ResourceType> types, TimeProvider clock)
    {
        _app = app;
        _types = types.ToDictionary(t => (t.Group, t.Version, t.Plural));
        Store = new FakeApiStore(clock);
    }

    public FakeApiStore Store { get; }

    public Uri Url { get; private set; } = null!;

    /// <summary>When set, requests without <c>Authorization: Bearer</c> this token get 401.</summary>
    public string? RequiredToken { get; set; }

    /// <summary>Every request received, in order.</summary>
    public IReadOnlyCollection<FakeRequest> Requests => _requests;

    public static async Task<FakeApiServer> StartAsync(IEnumerable<ResourceType> types, FakeApiServerTls? tls = null, TimeProvider? clock = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            if (tls is not null)
            {
                listen.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = tls.ServerCertificate,
                    ClientCertificateMode = tls.ClientCertificateAuthority is null ? ClientCertificateMode.NoCertificate : ClientCertificateMode.RequireCertificate,
                    ClientCertificateValidation = (certificate, _, _) => tls.ClientCertificateAuthority is { } ca && IsIssuedBy(certificate, ca),
                });
            }
        }));
        var app = builder.Build();
        var server = new FakeApiServer(app, types, clock ?? TimeProvider.System);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.Url = new Uri(address);
        return server;
    }

    /// <summary>
    /// The next <paramref name="count"/> requests that <paramref name="match"/> get <paramref name="statusCode"/>; status
    /// code 0 drops the connection without an answer.
    /// </summary>
    public void InjectFailures(int count, int statusCode, int? retryAfterSeconds = null, Func<FakeRequest, bool>? match = null)
    {
        lock (_faults)
        {
            _faults.Add(new InjectedFault(count, statusCode, retryAfterSeconds, match ?? (_ => true)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        Store.CloseWatches();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var recorded = new FakeRequest(
            request.Method,
            request.Path.Value ?? "",
            request.QueryString.Value ?? "",
            request.Query["watch"] is ["1" or "true"],
            request.Headers.Authorization.ToString(),
            request.ContentType,
            context.Connection.ClientCertificate?.Subject);
        _requests.Enqueue(recorded);
        try
        {
            if (RequiredToken is not null && recorded.Authorization != "Bearer " + RequiredToken)
            {
                throw new FakeApiError(401, "Unauthorized", "Unauthorized");
            }

            if (TakeFault(recorded) is { } fault)
            {
                if (fault.StatusCode == 0)
                {
                    context.Abort();
                    return;
                }

                if (fault.RetryAfterSeconds is { } seconds)
                {
                    context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                var reason = fault.StatusCode switch
                {
                    403 => "Forbidden",
                    409 => "Conflict",
                    410 => "Expired",
                    429 => "TooManyRequests",
                    _ => "InternalError",
                };
                throw new FakeApiError(fault.StatusCode, reason, "injected failure");
            }

            await RouteAsync(context, recorded);
        }
        catch (FakeApiError error) when (!context.Response.HasStarted)
        {
            await WriteJsonAsync(context, error.Code, error.ToStatus());
        }
        catch (Exception e) when (e is JsonException or JsonPatchException && !context.Response.HasStarted)
        {
            var code = e is JsonPatchException ? 422 : 400;
            await WriteJsonAsync(context, code, FakeApiError.StatusJson(code, code == 422 ? "Invalid" : "BadRequest", e.Message));
        }
        catch (Exception e) when (e is not OperationCanceledException && !context.Response.HasStarted)
        {
            // A bug in the fake shows up in the failing test's message instead of an empty 500.
            await WriteJsonAsync(context, 500, FakeApiError.StatusJson(500, "InternalError", e.ToString()));
        }
    }

    private InjectedFault? TakeFault(FakeRequest request)
    {
        lock (_faults)
        {
            var fault = _faults.Find(f => f.Remaining > 0 && f.Match(request));
            if (fault is not null)
            {
                fault.Remaining--;
            }

            return fault;
        }
    }

    private static bool IsIssuedBy(X509Certificate2 certificate, X509Certificate2 authority)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static async Task WriteJsonAsync(HttpContext context, int statusCode, JsonNode body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), Encoding.UTF8);
    }

    private sealed class InjectedFault(int count, int statusCode, int? retryAfterSeconds, Func<FakeRequest, bool> match)
    {
        public int Remaining { get; set; } = count;

        public int StatusCode { get; } = statusCode;

        public int? RetryAfterSeconds { get; } = retryAfterSeconds;

        public Func<FakeRequest, bool> Match { get; } = match;
    }
}

/// <summary>A request the fake API server received.</summary>
internal sealed record FakeRequest(
    string Method, string Path, string Query, bool IsWatch, string Authorization, string? ContentType, string? ClientCertificateSubject);

/// <summary>HTTPS for the fake: its certificate and, when set, the CA client certificates must chain to.</summary>
internal sealed record FakeApiServerTls(X509Certificate2 ServerCertificate, X509Certificate2? ClientCertificateAuthority);
