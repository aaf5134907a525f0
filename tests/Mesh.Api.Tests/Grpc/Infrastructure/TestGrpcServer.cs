using System.Net;
using Mesh.Api.Grpc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Api.Tests.Grpc.Infrastructure;

/// <summary>Our gRPC server on Kestrel, 127.0.0.1 ephemeral port, serving <see cref="EchoService"/>.</summary>
internal sealed class TestGrpcServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestGrpcServer(WebApplication app, EchoService echo)
    {
        _app = app;
        Echo = echo;
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Address = address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        Port = new Uri(Address).Port;
    }

    public string Address { get; }

    /// <summary>host:port, as grpc-js wants it.</summary>
    public string Target => $"127.0.0.1:{Port}";

    public int Port { get; }

    public EchoService Echo { get; }

    public int ActiveCalls => _app.Services.GetRequiredService<ActiveCallTracker>().ActiveCalls;

    public static async Task<TestGrpcServer> StartAsync(
        Action<GrpcServerOptions>? configure = null,
        Action<IEndpointRouteBuilder>? mapMore = null,
        HttpProtocols protocols = HttpProtocols.Http2)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen =>
        {
            listen.UseGrpcH2c();
            listen.Protocols = protocols;
        }));
        builder.Services.AddGrpcWire(configure);
        var echo = new EchoService();
        var app = builder.Build();
        app.MapGrpcUnary(EchoMethods.Unary, echo.UnaryAsync);
        app.MapGrpcServerStreaming(EchoMethods.ServerStream, echo.ServerStreamAsync);
        app.MapGrpcClientStreaming(EchoMethods.ClientStream, echo.ClientStreamAsync);
        app.MapGrpcDuplexStreaming(EchoMethods.Bidi, echo.BidiAsync);
        mapMore?.Invoke(app);
        await app.StartAsync();
        return new TestGrpcServer(app, echo);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
