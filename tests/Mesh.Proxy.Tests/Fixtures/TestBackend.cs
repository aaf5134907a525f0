using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Proxy.Tests.Fixtures;

/// <summary>
/// A real HTTP backend on 127.0.0.1 (ephemeral port) that answers with JSON naming itself, the path and the
/// headers it received. Request headers steer it: x-fail: STATUS answers that status, x-delay-ms waits first.
/// <see cref="FailNext"/> makes the next N requests answer a status.
/// </summary>
public sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failNext;
    private int _delayNext;
    private int _abortNext;
    private int _delayMs;
    private int _failStatus;

    private TestBackend(string name, WebApplication app)
    {
        Name = name;
        _app = app;
    }

    public string Name { get; }

    public int Port { get; private set; }

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    public int RequestCount => Received.Count;

    /// <summary>When set, every request answers this status.</summary>
    public int AlwaysFailWith { get; set; }

    public static Task<TestBackend> StartAsync(string name, HttpProtocols protocols = HttpProtocols.Http1) =>
        StartAsync(name, IPAddress.Loopback, protocols, createBoundListenSocket: null);

    /// <summary>
    /// A backend on <paramref name="listenAddress"/> (ephemeral port) whose listen socket, when given, comes from
    /// <paramref name="createBoundListenSocket"/> (e.g. a socket made inside a network namespace).
    /// </summary>
    public static async Task<TestBackend> StartAsync(string name, IPAddress listenAddress, HttpProtocols protocols, Func<EndPoint, Socket>? createBoundListenSocket)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (createBoundListenSocket is not null)
        {
            builder.WebHost.UseSockets(o => o.CreateBoundListenSocket = createBoundListenSocket);
        }

        builder.WebHost.ConfigureKestrel(k => k.Listen(listenAddress, 0, l => l.Protocols = protocols));
        var app = builder.Build();
        var backend = new TestBackend(name, app);
        app.Run(backend.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        backend.Port = new Uri(address).Port;
        return backend;
    }

    public void FailNext(int count, int status)
    {
        Volatile.Write(ref _failStatus, status);
        Volatile.Write(ref _failNext, count);
    }

    /// <summary>The next <paramref name="count"/> requests get their connection reset instead of an answer.</summary>
    public void AbortNext(int count) => Volatile.Write(ref _abortNext, count);

    /// <summary>The next <paramref name="count"/> requests wait <paramref name="milliseconds"/> before answering.</summary>
    public void DelayNext(int count, int milliseconds)
    {
        Volatile.Write(ref _delayMs, milliseconds);
        Volatile.Write(ref _delayNext, count);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string body;
        using (var reader = new StreamReader(request.Body))
        {
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
        Received.Enqueue(new ReceivedRequest(request.Method, request.Path.Value + request.QueryString.Value, headers, body, request.Protocol, context.Connection.Id) { Timestamp = Stopwatch.GetTimestamp() });

        if (Interlocked.Decrement(ref _abortNext) >= 0)
        {
            context.Abort();
            return;
        }

        if (Interlocked.Decrement(ref _delayNext) >= 0)
        {
            await Task.Delay(Volatile.Read(ref _delayMs), context.RequestAborted);
        }

        if (headers.TryGetValue("x-delay-ms", out var delay))
        {
            await Task.Delay(int.Parse(delay, System.Globalization.CultureInfo.InvariantCulture), context.RequestAborted);
        }

        var status = StatusCodes.Status200OK;
        if (Interlocked.Decrement(ref _failNext) >= 0)
        {
            status = Volatile.Read(ref _failStatus);
        }
        else if (AlwaysFailWith != 0)
        {
            status = AlwaysFailWith;
        }
        else if (headers.TryGetValue("x-fail", out var fail))
        {
            status = int.Parse(fail, System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.Headers["x-backend"] = Name;
        await context.Response.WriteAsync(JsonSerializer.Serialize(new BackendEcho(Name, request.Path.Value + request.QueryString.Value, request.Method, headers, body, request.Protocol)), context.RequestAborted);
    }
}

/// <param name="ConnectionId">Kestrel's id of the connection the request came on.</param>
public sealed record ReceivedRequest(string Method, string PathAndQuery, Dictionary<string, string> Headers, string Body, string Protocol, string ConnectionId)
{
    /// <summary>When the backend received it (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long Timestamp { get; init; }
}

public sealed record BackendEcho(string Name, string Path, string Method, Dictionary<string, string> Headers, string Body, string Protocol);
