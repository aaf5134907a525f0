using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Api.Grpc;
using Mesh.Api.Tests.Echo.V1;
using Mesh.Api.Tests.Grpc.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Api.Tests.Grpc.Server;

/// <summary><c>UseGrpcTls</c>: gRPC negotiates h2 by ALPN; an HTTP/1.1 client on the same port gets 426.</summary>
public sealed class TlsEndpointTests : IAsyncLifetime
{
    private X509Certificate2 _certificate = null!;
    private WebApplication _app = null!;
    private string _address = null!;

    public async Task InitializeAsync()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        _certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), password: null);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseGrpcTls(_certificate)));
        builder.Services.AddGrpcWire();
        _app = builder.Build();
        _app.MapGrpcUnary(EchoMethods.Unary, (request, context) => Task.FromResult(new EchoReply
        {
            Message = $"{context.GetHttpContext().Request.IsHttps}/{context.GetHttpContext().Request.Protocol}",
        }));
        await _app.StartAsync();
        _address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _certificate.Dispose();
    }

    [Fact]
    public async Task GrpcOverTls_NegotiatesHttp2()
    {
        using var channel = GrpcChannel.ForAddress(_address, new GrpcChannelOptions { HttpHandler = TrustingHandler() });

        var reply = await channel.AsyncUnaryCall(EchoMethods.Unary, new EchoRequest());

        Assert.Equal("True/HTTP/2", reply.Message);
    }

    [Fact]
    public async Task Http11OverTls_Is426()
    {
        using var client = new HttpClient(TrustingHandler());
        using var request = RawH2c.Request(_address, EchoMethods.Unary.FullName, new ByteArrayContent(RawH2c.Frame(new EchoRequest())));
        request.Version = HttpVersion.Version11;

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
    }

    private SocketsHttpHandler TrustingHandler()
    {
        var thumbprint = _certificate.Thumbprint;
        return new SocketsHttpHandler
        {
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is X509Certificate2 presented && presented.Thumbprint == thumbprint },
        };
    }
}
