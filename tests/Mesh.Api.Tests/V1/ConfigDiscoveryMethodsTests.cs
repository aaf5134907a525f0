using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Mesh.Api.Grpc;
using Mesh.Api.Tests.Grpc.Infrastructure;
using Mesh.Api.V1;

namespace Mesh.Api.Tests.V1;

/// <summary>
/// The StreamConfig descriptor served by our server against a grpc-js client that loads the real mesh/v1 protos
/// from api/Mesh.Api/Protos: the paths, the duplex shape and the nested messages must all agree.
/// </summary>
public sealed class ConfigDiscoveryMethodsTests
{
    [Fact]
    public void Descriptors_UseTheProtoServiceAndMethodPaths()
    {
        Assert.Equal("/mesh.v1.ConfigDiscovery/StreamConfig", ConfigDiscoveryMethods.StreamConfig.FullName);
        Assert.Equal(MethodType.DuplexStreaming, ConfigDiscoveryMethods.StreamConfig.Type);
        Assert.Equal("/mesh.v1.ConfigDiscovery/SignCertificate", ConfigDiscoveryMethods.SignCertificate.FullName);
        Assert.Equal(MethodType.Unary, ConfigDiscoveryMethods.SignCertificate.Type);
    }

    [Fact]
    public async Task StreamConfig_ExchangesNodeConfigAndAckWithGrpcJs()
    {
        var received = new ConcurrentQueue<ConfigRequest>();
        await using var server = await TestGrpcServer.StartAsync(mapMore: endpoints =>
            endpoints.MapGrpcDuplexStreaming(ConfigDiscoveryMethods.StreamConfig, (requests, responses, context) =>
                ServeAsync(requests, responses, received, context)));

        var result = await GrpcJsPeer.RunClientAsync(server.Target, "config-stream");

        Assert.Equal(0, result.GetProperty("code").GetInt32());
        var responses = result.GetProperty("responses").EnumerateArray().ToList();
        Assert.Equal(2, responses.Count);
        var config = responses[0].GetProperty("config");
        Assert.Equal("v1", responses[0].GetProperty("versionInfo").GetString());
        Assert.Equal("cluster.local", config.GetProperty("trustDomain").GetString());
        var route = config.GetProperty("virtualHosts")[0].GetProperty("routes")[0];
        Assert.Equal("reviews-v2", route.GetProperty("name").GetString());
        Assert.Equal("2", route.GetProperty("timeout").GetProperty("seconds").GetString());
        Assert.Equal("outbound|9080|v2|reviews.default.svc.cluster.local", route.GetProperty("forward").GetProperty("destinations")[0].GetProperty("cluster").GetString());
        Assert.Equal("10.0.0.9", config.GetProperty("clusters")[0].GetProperty("endpoints")[0].GetProperty("address").GetString());
        Assert.Equal("acked:n1", responses[1].GetProperty("versionInfo").GetString());

        var requests = received.ToArray();
        Assert.Equal(2, requests.Length);
        Assert.Equal("default/reviews-v1-abc", requests[0].Node.Id);
        Assert.Equal("v1", requests[0].Node.Labels["version"]);
        Assert.Equal("reviews", requests[0].Node.ServiceAccount);
        Assert.Equal(("v1", "n1"), (requests[1].VersionInfo, requests[1].ResponseNonce));
    }

    private static async Task ServeAsync(
        IAsyncStreamReader<ConfigRequest> requests,
        IServerStreamWriter<ConfigResponse> responses,
        ConcurrentQueue<ConfigRequest> received,
        ServerCallContext context)
    {
        await foreach (var request in requests.ReadAllAsync(context.CancellationToken))
        {
            received.Enqueue(request);
            var response = request.Node is not null
                ? new ConfigResponse { VersionInfo = "v1", Nonce = "n1", Config = SampleConfig() }
                : new ConfigResponse { VersionInfo = "acked:" + request.ResponseNonce, Nonce = "n2", Config = new ProxyConfig() };
            await responses.WriteAsync(response);
        }
    }

    private static ProxyConfig SampleConfig()
    {
        var cluster = new Cluster { Name = "outbound|9080|v2|reviews.default.svc.cluster.local", ServiceHost = "reviews.default.svc.cluster.local", Port = 9080, Subset = "v2" };
        cluster.Endpoints.Add(new Endpoint { Address = "10.0.0.9", Port = 9080, Labels = { ["version"] = "v2" } });
        var forward = new RouteForward();
        forward.Destinations.Add(new WeightedDestination { Cluster = cluster.Name, Weight = 100 });
        var host = new VirtualHost { Name = "reviews.default.svc.cluster.local:9080", Domains = { "reviews", "reviews.default.svc.cluster.local" } };
        host.Routes.Add(new Route { Name = "reviews-v2", Forward = forward, Timeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(2)) });
        var config = new ProxyConfig { TrustDomain = "cluster.local" };
        config.VirtualHosts.Add(host);
        config.Clusters.Add(cluster);
        return config;
    }
}
