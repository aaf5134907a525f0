using Mesh.Api.V1;
using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;
using Mesh.Operator.Validation;
using Mesh.Testing;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>
/// Issue 17: a null or missing section in one resource (an empty <c>spec:</c>, <c>ports: [ - ]</c>, <c>http: [ null ]</c>)
/// is an error of that resource at its field path; the rest of the mesh still compiles and ships.
/// </summary>
public sealed class NullSectionTests
{
    public static TheoryData<string, string, string, string> Cases() => new()
    {
        { "apiVersion: mesh.io/v1alpha1\nkind: VirtualService\nmetadata: {name: broken}\nspec:\n", "VirtualService", "spec", "spec is required" },
        { "apiVersion: mesh.io/v1alpha1\nkind: DestinationRule\nmetadata: {name: broken}\nspec:\n", "DestinationRule", "spec", "spec is required" },
        { "apiVersion: mesh.io/v1alpha1\nkind: MeshPolicy\nmetadata: {name: broken}\nspec:\n", "MeshPolicy", "spec", "spec is required" },
        { "apiVersion: mesh.io/v1alpha1\nkind: WorkloadEntry\nmetadata: {name: broken}\nspec:\n", "WorkloadEntry", "spec", "spec is required" },
        { "apiVersion: v1\nkind: Service\nmetadata: {name: broken}\nspec:\n", "Service", "spec", "spec is required" },
        { "apiVersion: v1\nkind: Service\nmetadata: {name: broken}\nspec:\n  ports:\n  -\n", "Service", "spec.ports[0]", "must not be null" },
        { "apiVersion: v1\nkind: Pod\nmetadata: {name: broken}\nspec:\n", "Pod", "spec", "spec is required" },
        { "apiVersion: mesh.io/v1alpha1\nkind: VirtualService\nmetadata: {name: broken}\nspec:\n  hosts: [details]\n  http: [ null ]\n", "VirtualService", "spec.http[0]", "must not be null" },
        { "apiVersion: mesh.io/v1alpha1\nkind: VirtualService\nmetadata: {name: broken}\nspec:\n  hosts: [details]\n  http:\n  - route: [ null ]\n", "VirtualService", "spec.http[0].route[0]", "must not be null" },
        { "apiVersion: mesh.io/v1alpha1\nkind: DestinationRule\nmetadata: {name: broken}\nspec:\n  host: details\n  subsets: [ null ]\n", "DestinationRule", "spec.subsets[0]", "must not be null" },
        { "apiVersion: mesh.io/v1alpha1\nkind: MeshPolicy\nmetadata: {name: broken}\nspec:\n  rules: [ null ]\n", "MeshPolicy", "spec.rules[0]", "must not be null" },
        { "apiVersion: mesh.io/v1alpha1\nkind: MeshPolicy\nmetadata: {name: broken}\nspec:\n  rules: [{from: [ null ]}]\n", "MeshPolicy", "spec.rules[0].from[0]", "must not be null" },
        { "apiVersion: mesh.io/v1alpha1\nkind: MeshPolicy\nmetadata: {name: broken}\nspec:\n  selector: {matchLabels: {app: reviews}}\n  portLevelMtls: {'9080': }\n", "MeshPolicy", "spec.portLevelMtls.9080", "must not be null" },
        { "apiVersion: mesh.io/v1alpha1\nkind: WorkloadEntry\nmetadata: {name: broken}\nspec:\n  address: 127.0.0.9\n  labels: {app: }\n", "WorkloadEntry", "spec.labels.app", "must not be null" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_null_section_is_an_error_of_its_resource_and_the_rest_still_ships(string broken, string kind, string path, string message)
    {
        var baseline = Bookinfo.Compile("");
        var set = Bookinfo.Load("---\n" + broken);

        var compiled = MeshCompiler.Compile(set.ToSnapshot());

        var result = Assert.Single(compiled.Results, r => r.Resource == new ResourceRef(kind, "default", "broken"));
        Assert.Contains(result.Diagnostics, d => d.IsError && d.Path == path && d.Message.Contains(message, StringComparison.Ordinal));
        Assert.False(result.IsAccepted);
        Assert.All(compiled.Results.Where(r => r != result), r => Assert.Equal(baseline.Results.Single(b => b.Resource == r.Resource).IsAccepted, r.IsAccepted));
        Assert.Equal(Bookinfo.Routes(baseline), Bookinfo.Routes(compiled));
    }

    [Fact]
    public void A_policy_that_throws_while_compiling_is_reported_and_left_out_and_every_proxy_still_gets_its_config()
    {
        // Two spellings of one port: valid one by one, a duplicate map key once compiled.
        var set = Bookinfo.Load("""
            ---
            apiVersion: mesh.io/v1alpha1
            kind: MeshPolicy
            metadata: {name: broken}
            spec:
              selector: {matchLabels: {app: reviews}}
              portLevelMtls: {'9080': {mode: STRICT}, '09080': {mode: DISABLE}}
            """);

        var compiled = MeshCompiler.Compile(set.ToSnapshot());

        var result = Assert.Single(compiled.Results, r => r.Resource.Name == "broken");
        Assert.False(result.IsAccepted);
        Assert.Contains("could not be compiled (ArgumentException", Assert.Single(result.Diagnostics).Message, StringComparison.Ordinal);
        var reviews = compiled.ConfigFor(new Node { Id = "reviews-v1", Namespace = "default", Labels = { ["app"] = "reviews", ["version"] = "v1" } });
        Assert.Empty(reviews.ToProxyConfig().Inbound.PortMtls);
    }

    /// <summary>The bookinfo example, plus extra YAML, as one manifest set.</summary>
    internal static class Bookinfo
    {
        public static string Text { get; } = string.Join(
            "\n---\n",
            Directory.GetFiles(RepositoryPaths.Combine("examples", "bookinfo"), "*.yaml").Order(StringComparer.Ordinal).Select(File.ReadAllText));

        public static ManifestSet Load(string extra) => ManifestLoader.LoadText("bookinfo.yaml", Text + "\n" + extra);

        public static CompiledMesh Compile(string extra) => MeshCompiler.Compile(Load(extra).ToSnapshot());

        /// <summary>Every virtual host and its route names, as productpage's proxy gets them.</summary>
        public static List<string> Routes(CompiledMesh mesh) =>
            [.. mesh.ConfigFor(new Node { Id = "productpage", Namespace = "default", Labels = { ["app"] = "productpage" } })
                .ToProxyConfig().VirtualHosts.Select(h => h.Name + ": " + string.Join(",", h.Routes.Select(r => r.Name)))];
    }
}
