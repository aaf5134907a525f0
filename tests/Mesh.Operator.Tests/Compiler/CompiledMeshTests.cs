using Google.Protobuf;
using Mesh.Api.V1;
using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>How a compiled mesh hands out per-proxy configs: shared parts, caching and content-hash versions.</summary>
public sealed class CompiledMeshTests
{
    private const string TwoNamespaces = MeshFixture.Reviews + """
        apiVersion: v1
        kind: Service
        metadata: {name: shop, namespace: other}
        spec:
          selector: {app: shop}
          ports: [{name: http, port: 80}]
        ---
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: {name: reviews}
        spec:
          hosts: [reviews]
          http:
          - match: [{sourceLabels: {canary: "true"}}]
            route: [{destination: {host: reviews, subset: v3}}]
          - route: [{destination: {host: reviews, subset: v1}}]
        """;

    [Fact]
    public void Proxies_with_the_same_namespace_labels_and_service_account_get_the_same_result()
    {
        var mesh = MeshFixture.Compile(TwoNamespaces);

        var first = mesh.ConfigFor(MeshFixture.Node("default", "app=web,version=v1", "web"));
        var second = mesh.ConfigFor(MeshFixture.Node("default", "version=v1,app=web", "web"));

        Assert.Same(first, second);
    }

    [Fact]
    public void Proxies_share_the_virtual_hosts_and_clusters_they_have_in_common()
    {
        var mesh = MeshFixture.Compile(TwoNamespaces);

        var web = mesh.ConfigFor("default", "app=web");
        var api = mesh.ConfigFor("default", "app=api");
        var canary = mesh.ConfigFor("default", "app=api,canary=true");
        var elsewhere = mesh.ConfigFor("other", "app=x");

        var reviews = "reviews.default.svc.cluster.local";
        Assert.Same(web.Host(reviews), api.Host(reviews));
        Assert.NotSame(web.Host(reviews), canary.Host(reviews));
        Assert.Same(web.Host("shop.other.svc.cluster.local"), canary.Host("shop.other.svc.cluster.local"));
        Assert.NotSame(web.Host(reviews), elsewhere.Host(reviews));
        Assert.All(web.Clusters.Zip(elsewhere.Clusters), pair => Assert.Same(pair.First, pair.Second));
        Assert.Equal(["reviews:9080", "reviews.default:9080"], web.Host(reviews).Domains.Where(d => d.StartsWith("reviews:", StringComparison.Ordinal) || d == "reviews.default:9080"));
        Assert.DoesNotContain("reviews", elsewhere.Host(reviews).Domains);
        Assert.Contains("reviews.default", elsewhere.Host(reviews).Domains);
        Assert.Equal(["http[0]", "http[1]"], canary.Host(reviews).Routes.Select(r => r.Name));
        Assert.Equal(["http[1]"], web.Host(reviews).Routes.Select(r => r.Name));
    }

    [Fact]
    public void The_version_is_a_content_hash()
    {
        var mesh = MeshFixture.Compile(TwoNamespaces);
        var again = MeshFixture.Compile(TwoNamespaces);
        var changed = MeshFixture.Compile(TwoNamespaces.Replace("subset: v1", "subset: v2", StringComparison.Ordinal));

        var version = mesh.ConfigFor(MeshFixture.Node("default", "app=web")).Version;

        Assert.Matches("^[0-9a-f]{16}$", version);
        Assert.Equal(version, again.ConfigFor(MeshFixture.Node("default", "app=web")).Version);
        Assert.Equal(version, mesh.ConfigFor(MeshFixture.Node("default", "app=other")).Version);
        Assert.NotEqual(version, changed.ConfigFor(MeshFixture.Node("default", "app=web")).Version);
        Assert.NotEqual(version, mesh.ConfigFor(MeshFixture.Node("default", "canary=true")).Version);
        Assert.NotEqual(version, mesh.ConfigFor(MeshFixture.Node("other", "app=web")).Version);
    }

    [Fact]
    public void The_assembled_config_serializes_and_parses_back_unchanged()
    {
        var mesh = MeshFixture.Compile(TwoNamespaces);

        var config = mesh.ConfigFor("default", "canary=true");
        var parsed = ProxyConfig.Parser.ParseFrom(config.ToByteArray());

        Assert.Equal(config, parsed);
        Assert.Equal(3, parsed.VirtualHosts.Count);
        Assert.Equal("cluster.local", parsed.TrustDomain);
    }

    [Fact]
    public void Compiling_an_empty_snapshot_gives_an_empty_config()
    {
        var mesh = MeshCompiler.Compile(MeshSnapshot.Empty);

        var config = mesh.ConfigFor(MeshFixture.Node("default")).ToProxyConfig();

        Assert.Empty(config.VirtualHosts);
        Assert.Empty(config.Clusters);
        Assert.Equal(MtlsMode.Permissive, config.Inbound.MtlsMode);
        Assert.Empty(mesh.Results);
    }

    [Fact]
    public void Options_set_the_root_namespace_and_trust_domain()
    {
        var set = ManifestLoader.LoadText("t.yaml", """
            apiVersion: mesh.io/v1alpha1
            kind: MeshPolicy
            metadata: {name: strict, namespace: istio-system}
            spec: {mtls: {mode: STRICT}}
            """);
        var options = new MeshCompilerOptions { RootNamespace = "istio-system", TrustDomain = "example.org" };

        var config = MeshCompiler.Compile(set.ToSnapshot(), options).ConfigFor(MeshFixture.Node("default")).ToProxyConfig();
        var defaults = MeshCompiler.Compile(set.ToSnapshot()).ConfigFor(MeshFixture.Node("default")).ToProxyConfig();

        Assert.Equal((MtlsMode.Strict, "example.org"), (config.Inbound.MtlsMode, config.TrustDomain));
        Assert.Equal(MtlsMode.Permissive, defaults.Inbound.MtlsMode);
    }
}
