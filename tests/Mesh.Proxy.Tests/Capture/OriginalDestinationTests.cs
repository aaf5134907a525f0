using System.Net;
using Mesh.Api.V1;
using Mesh.Proxy.Capture;
using Mesh.Proxy.Clusters;
using Mesh.Proxy.Runtime;
using Mesh.Proxy.Telemetry;
using Mesh.Proxy.Tests.Fixtures;

namespace Mesh.Proxy.Tests.Capture;

/// <summary>
/// The pieces of original-destination routing that need no namespace: decoding what SO_ORIGINAL_DST answers, and
/// the per-snapshot table from addresses to services (TransparentCaptureTests prove the whole path).
/// </summary>
public sealed class OriginalDestinationTests
{
    [Fact]
    public void Decodes_a_linux_sockaddr_in()
    {
        // AF_INET (host order), port 9080 (network order), 10.96.0.5, zero padding.
        byte[] sockaddr = [.. BitConverter.GetBytes((ushort)2), 0x23, 0x78, 10, 96, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0];

        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.96.0.5"), 9080), OriginalDestination.Parse(sockaddr));
    }

    [Fact]
    public void Decodes_a_linux_sockaddr_in6()
    {
        var address = IPAddress.Parse("fd00::5");
        byte[] sockaddr = [.. BitConverter.GetBytes((ushort)10), 0x23, 0x78, 0, 0, 0, 0, .. address.GetAddressBytes(), 0, 0, 0, 0];

        Assert.Equal(new IPEndPoint(address, 9080), OriginalDestination.Parse(sockaddr));
    }

    [Fact]
    public void Rejects_other_families_and_short_buffers()
    {
        Assert.Null(OriginalDestination.Parse([.. BitConverter.GetBytes((ushort)1), 0, 80, 1, 2, 3, 4]));
        Assert.Null(OriginalDestination.Parse([.. BitConverter.GetBytes((ushort)10), 0x23, 0x78, 0, 0, 0, 0, 1, 2]));
    }

    [Fact]
    public void A_cluster_ip_domain_selects_its_virtual_host_and_an_endpoint_its_whole_service_cluster()
    {
        var config = new ProxyConfig();
        var whole = ConfigFactory.Cluster("reviews", []);
        whole.Endpoints.Add(new Mesh.Api.V1.Endpoint { Address = "10.244.1.7", Port = 9080 });
        var subset = ConfigFactory.Cluster("reviews", [], subset: "v1");
        subset.Endpoints.Add(new Mesh.Api.V1.Endpoint { Address = "10.244.1.7", Port = 9080 });
        config.Clusters.Add(subset);
        config.Clusters.Add(whole);
        var host = ConfigFactory.Host("reviews", 9080, ConfigFactory.Forward("default", (whole.Name, 100)));
        host.Domains.Add("10.96.0.5");
        host.Domains.Add("10.96.0.5:9080");
        config.VirtualHosts.Add(host);

        using var clients = new UpstreamClientCache(TimeProvider.System);
        var snapshot = new SnapshotBuilder(new ClusterBuilder(clients, TimeProvider.System), new ProxyMetrics(new SnapshotHolder(), new(), TimeProvider.System), TimeProvider.System).Build("1", config, previous: null);

        Assert.Equal("reviews.default.svc.cluster.local", snapshot.Addresses.FindHost(new IPEndPoint(IPAddress.Parse("10.96.0.5"), 9080))?.Name);
        Assert.Null(snapshot.Addresses.FindHost(new IPEndPoint(IPAddress.Parse("10.96.0.5"), 8080)));
        Assert.Equal(whole.Name, snapshot.Addresses.FindEndpointCluster(new IPEndPoint(IPAddress.Parse("10.244.1.7"), 9080))?.Name);
        Assert.Null(snapshot.Addresses.FindEndpointCluster(new IPEndPoint(IPAddress.Parse("10.244.1.8"), 9080)));
    }
}
