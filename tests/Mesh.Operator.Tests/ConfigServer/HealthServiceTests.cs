using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Mesh.Testing;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Mesh.Operator.Tests.ConfigServer;

/// <summary>
/// <c>grpc.health.v1.Health</c> on the config server, called with the generated client of Grpc.HealthCheck: NOT_SERVING
/// until the first compile is published, SERVING after, NOT_SERVING once the host drains.
/// </summary>
public sealed class HealthServiceTests : IAsyncLifetime
{
    private ConfigStreamHost _host = null!;
    private GrpcChannel _channel = null!;
    private Health.HealthClient _health = null!;

    public async Task InitializeAsync()
    {
        _host = await ConfigStreamHost.StartAsync();
        _channel = GrpcChannel.ForAddress(_host.Address);
        _health = new Health.HealthClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Is_not_serving_before_the_first_compile_and_serving_once_it_is_published()
    {
        Assert.Equal(ServingStatus.NotServing, (await _health.CheckAsync(new HealthCheckRequest())).Status);

        _host.Publish(_ => ConfigStreamHost.Config("one"));

        Assert.Equal(ServingStatus.Serving, (await _health.CheckAsync(new HealthCheckRequest())).Status);
        Assert.Equal(ServingStatus.Serving, (await _health.CheckAsync(new HealthCheckRequest { Service = "mesh.v1.ConfigDiscovery" })).Status);
    }

    [Fact]
    public async Task An_unknown_service_is_not_found()
    {
        var error = await Assert.ThrowsAsync<RpcException>(async () => await _health.CheckAsync(new HealthCheckRequest { Service = "mesh.v1.Nope" }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Watch_reports_the_first_publication_then_not_serving_when_the_host_drains_and_ends()
    {
        using var watch = _health.Watch(new HealthCheckRequest());
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.True(await watch.ResponseStream.MoveNext(patience.Token));
        Assert.Equal(ServingStatus.NotServing, watch.ResponseStream.Current.Status);

        _host.Publish(_ => ConfigStreamHost.Config("one"));
        Assert.True(await watch.ResponseStream.MoveNext(patience.Token));
        Assert.Equal(ServingStatus.Serving, watch.ResponseStream.Current.Status);

        var stopping = _host.StopAsync();
        Assert.True(await watch.ResponseStream.MoveNext(patience.Token));
        Assert.Equal(ServingStatus.NotServing, watch.ResponseStream.Current.Status);
        Assert.False(await watch.ResponseStream.MoveNext(patience.Token), "the watch ends so that it does not hold the shutdown");
        await stopping.WaitAsync(patience.Token);
        Assert.Equal(StatusCode.OK, watch.GetStatus().StatusCode);
    }
}
