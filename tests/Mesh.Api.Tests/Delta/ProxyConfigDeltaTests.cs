using Mesh.Api.Delta;
using Mesh.Api.V1;

namespace Mesh.Api.Tests.Delta;

/// <summary>The delta rules of discovery.proto as the proxy applies them: merge by name, and a clear error for a delta that does not fit.</summary>
public sealed class ProxyConfigDeltaTests
{
    private static readonly ProxyConfig Base = new()
    {
        TrustDomain = "cluster.local",
        Inbound = new InboundConfig { MtlsMode = MtlsMode.Strict },
        VirtualHosts = { Host("a"), Host("c") },
        Clusters = { Cluster("a", "10.0.0.1"), Cluster("c", "10.0.0.3") },
    };

    [Fact]
    public void Changes_replace_or_insert_in_name_order_and_removals_drop_leaving_the_base_untouched()
    {
        var before = Base.Clone();

        var next = ProxyConfigDelta.Apply(
            Base,
            new ProxyConfig { TrustDomain = "cluster.local", VirtualHosts = { Host("b"), Host("c", "c", "c:80") } },
            new ConfigDelta { RemovedVirtualHosts = { "a" }, ClusterEndpoints = { new ClusterEndpoints { Cluster = "c", Endpoints = { new Endpoint { Address = "10.0.0.9", Port = 80 } } } } });

        Assert.Equal(["b", "c"], next.VirtualHosts.Select(v => v.Name));
        Assert.Equal(["c", "c:80"], next.VirtualHosts[1].Domains);
        Assert.Equal("10.0.0.9", next.Clusters[1].Endpoints.Single().Address);
        Assert.Equal(MtlsMode.Strict, next.Inbound.MtlsMode);
        Assert.Equal(before, Base);
    }

    [Theory]
    [InlineData("removed-missing", "delta.removed_virtual_hosts: 'z' is not in the base config")]
    [InlineData("removed-twice", "delta.removed_virtual_hosts[1]: 'a' is removed twice")]
    [InlineData("changed-and-removed", "config.virtual_hosts[0]: 'a' is both changed and removed")]
    [InlineData("unsorted-changes", "config.virtual_hosts[1]: 'a' is not after 'b'")]
    [InlineData("unknown-endpoints", "delta.cluster_endpoints[0].cluster: no cluster 'z'")]
    public void A_delta_that_does_not_fit_names_the_field(string kind, string expected)
    {
        var changes = new ProxyConfig();
        var delta = new ConfigDelta();
        switch (kind)
        {
            case "removed-missing":
                delta.RemovedVirtualHosts.Add("z");
                break;
            case "removed-twice":
                delta.RemovedVirtualHosts.Add(["a", "a"]);
                break;
            case "changed-and-removed":
                changes.VirtualHosts.Add(Host("a"));
                delta.RemovedVirtualHosts.Add("a");
                break;
            case "unsorted-changes":
                changes.VirtualHosts.Add([Host("b"), Host("a")]);
                break;
            default:
                delta.ClusterEndpoints.Add(new ClusterEndpoints { Cluster = "z" });
                break;
        }

        var error = Assert.Throws<FormatException>(() => ProxyConfigDelta.Apply(Base, changes, delta));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }

    private static VirtualHost Host(string name, params string[] domains) => new() { Name = name, Domains = { domains.Length == 0 ? [name] : domains } };

    private static Cluster Cluster(string name, string address) => new() { Name = name, Endpoints = { new Endpoint { Address = address, Port = 80 } } };
}
