using Mesh.Proxy.Hosting;
using Mesh.Proxy.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Proxy.Tests.Identity;

public sealed class IdentityRegistrationTests
{
    [Fact]
    public async Task WithADiscoveryAddress_TheOperatorIsTheCertificateSource()
    {
        await using var app = ProxyHostBuilder.Build(new ProxyOptions { DiscoveryAddress = new Uri("http://127.0.0.1:1"), OutboundPort = 0, InboundPort = 0, AdminPort = 0 });

        Assert.IsType<OperatorCertificateSource>(app.Services.GetRequiredService<IWorkloadCertificateSource>());
    }

    [Fact]
    public async Task WithoutADiscoveryAddress_ThereIsNoIdentity()
    {
        var config = Path.GetTempFileName();
        try
        {
            await using var app = ProxyHostBuilder.Build(new ProxyOptions { ConfigFile = config, OutboundPort = 0, InboundPort = 0, AdminPort = 0 });

            Assert.Null(app.Services.GetRequiredService<IWorkloadCertificateSource>().Current);
        }
        finally
        {
            File.Delete(config);
        }
    }
}
