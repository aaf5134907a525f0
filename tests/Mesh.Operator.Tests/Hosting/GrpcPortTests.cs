using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1;
using Mesh.Testing;
using Mesh.Testing.Manifests;
using Mesh.Testing.Operator;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Mesh.Operator.Tests.Hosting;

/// <summary>
/// What the standard tooling sees on <c>mesh-operator run --source dir:...</c>'s gRPC port (what
/// <c>grpc_health_probe</c>, Kubernetes' gRPC probes and <c>grpcurl</c> call), through the generated clients of the
/// Grpc.HealthCheck and Grpc.Reflection packages.
/// </summary>
public sealed class GrpcPortTests : IAsyncLifetime
{
    private LocalOperator _operator = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _operator = await LocalOperator.StartAsync(new Dictionary<string, string>
        {
            ["services.yaml"] = ReviewsManifests.Services(19084, 19085),
        });
        _channel = GrpcChannel.ForAddress(_operator.GrpcAddress);
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _operator.DisposeAsync();
    }

    [Fact]
    public async Task Health_check_is_serving_once_the_manifests_are_compiled()
    {
        var health = new Health.HealthClient(_channel);

        await Eventually.AssertAsync(
            async () => (await health.CheckAsync(new HealthCheckRequest())).Status == ServingStatus.Serving,
            "the server reports SERVING");
        Assert.Equal(ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest { Service = "mesh.v1.ConfigDiscovery" })).Status);
    }

    [Fact]
    public async Task Reflection_lists_the_config_service_health_and_itself_and_describes_the_config_service()
    {
        var reflection = new ServerReflection.ServerReflectionClient(_channel);
        using var call = reflection.ServerReflectionInfo();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "*" }, patience.Token);
        Assert.True(await call.ResponseStream.MoveNext(patience.Token));
        var services = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("mesh.v1.ConfigDiscovery", services);
        Assert.Contains("grpc.health.v1.Health", services);
        Assert.Contains("grpc.reflection.v1.ServerReflection", services);

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { FileContainingSymbol = "mesh.v1.ConfigDiscovery" }, patience.Token);
        Assert.True(await call.ResponseStream.MoveNext(patience.Token));
        var files = call.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto
            .Select(bytes => Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(bytes))
            .ToList();
        var discovery = Assert.Single(files, f => f.Name == "mesh/v1/discovery.proto");
        var methods = Assert.Single(discovery.Service).Method;
        Assert.Equal(["StreamConfig", "SignCertificate"], methods.Select(m => m.Name));
        Assert.True(methods[0].ClientStreaming && methods[0].ServerStreaming);
        await call.RequestStream.CompleteAsync();
    }

    [Fact]
    public async Task Older_tools_get_the_same_list_from_reflection_v1alpha()
    {
        var reflection = new Grpc.Reflection.V1Alpha.ServerReflection.ServerReflectionClient(_channel);
        using var call = reflection.ServerReflectionInfo();
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        await call.RequestStream.WriteAsync(new Grpc.Reflection.V1Alpha.ServerReflectionRequest { ListServices = "*" }, patience.Token);
        Assert.True(await call.ResponseStream.MoveNext(patience.Token));
        Assert.Contains("mesh.v1.ConfigDiscovery", call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name));
        await call.RequestStream.CompleteAsync();
    }

    [Fact]
    public async Task Health_watch_reports_not_serving_when_the_operator_drains()
    {
        var health = new Health.HealthClient(_channel);
        using var watch = health.Watch(new HealthCheckRequest());
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var status = ServingStatus.Unknown;
        while (status != ServingStatus.Serving && await watch.ResponseStream.MoveNext(patience.Token))
        {
            status = watch.ResponseStream.Current.Status;
        }

        Assert.Equal(ServingStatus.Serving, status);
        var stopping = _operator.StopKeepingDirectoryAsync();
        Assert.True(await watch.ResponseStream.MoveNext(patience.Token));
        Assert.Equal(ServingStatus.NotServing, watch.ResponseStream.Current.Status);
        await stopping.WaitAsync(patience.Token);
        _operator = await LocalOperator.StartAsync(_operator.Directory, grpcPort: 0, ownsDirectory: true);
    }
}
