using k8s;
using k8s.Models;
using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;
using Mesh.Operator.Resources;
using Mesh.Operator.Validation;

namespace Mesh.Operator.Tests.Validation;

/// <summary>
/// A resource's own fields are checked once per object and version; what it refers to is checked on every compile,
/// so a cached check never hides a Service or subset that came or went.
/// </summary>
public sealed class SpecCheckCacheTests
{
    private const string Reviews = """
        apiVersion: v1
        kind: Service
        metadata: {name: reviews, namespace: default}
        spec:
          selector: {app: reviews}
          ports: [{name: http, port: 9080}]
        ---

        """;

    private const string RoutesToReviews = """
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: {name: test, namespace: default}
        spec:
          hosts: [reviews]
          http:
          - route: [{destination: {host: reviews}}]
        """;

    [Fact]
    public void A_service_that_appears_later_resolves_the_same_unchanged_virtual_service()
    {
        var vs = Load(RoutesToReviews).OfType<VirtualService>().Single();
        var service = Load(Reviews).Single();

        var without = Result(MeshCompiler.Compile(MeshSnapshot.From([vs])), vs);
        var with = Result(MeshCompiler.Compile(MeshSnapshot.From([vs, service])), vs);
        var withoutAgain = Result(MeshCompiler.Compile(MeshSnapshot.From([vs])), vs);

        Assert.False(without.IsAccepted);
        Assert.Contains(without.Diagnostics, d => d.Path == "spec.hosts[0]" && d.Category == DiagnosticCategory.UnresolvedRef);
        Assert.True(with.IsAccepted, string.Join(" | ", with.Diagnostics));
        Assert.Empty(with.Diagnostics);
        Assert.Equal(without.Diagnostics, withoutAgain.Diagnostics);
    }

    [Fact]
    public void A_new_generation_of_the_same_object_is_checked_again()
    {
        var vs = Load(Reviews + RoutesToReviews).OfType<VirtualService>().Single();
        vs.Metadata.Generation = 1;
        var service = Load(Reviews).Single();
        Assert.True(Result(MeshCompiler.Compile(MeshSnapshot.From([vs, service])), vs).IsAccepted);

        vs.Spec.Http![0].Timeout = "1us";
        vs.Metadata.Generation = 2;
        var edited = Result(MeshCompiler.Compile(MeshSnapshot.From([vs, service])), vs);

        Assert.Contains(edited.Diagnostics, d => d.Path == "spec.http[0].timeout" && d.IsError);
    }

    [Fact]
    public void A_subset_that_a_new_destination_rule_defines_is_found_on_the_next_compile()
    {
        var objects = Load(Reviews + RoutesToReviews.Replace("{host: reviews}", "{host: reviews, subset: v1}", StringComparison.Ordinal));
        var rule = Load("""
            apiVersion: mesh.io/v1alpha1
            kind: DestinationRule
            metadata: {name: reviews, namespace: default}
            spec:
              host: reviews
              subsets: [{name: v1, labels: {version: v1}}]
            """).Single();
        var vs = objects.OfType<VirtualService>().Single();

        var before = Result(MeshCompiler.Compile(MeshSnapshot.From(objects)), vs);
        var after = Result(MeshCompiler.Compile(MeshSnapshot.From([.. objects, rule])), vs);

        Assert.Contains(before.Diagnostics, d => d.Path == "spec.http[0].route[0].destination.subset" && d.Category == DiagnosticCategory.UnresolvedRef);
        Assert.True(after.IsAccepted, string.Join(" | ", after.Diagnostics));
    }

    [Fact]
    public void A_clean_result_observes_the_generation_of_each_compile()
    {
        var objects = Load(Reviews + RoutesToReviews);
        var vs = objects.OfType<VirtualService>().Single();
        vs.Metadata.Generation = 3;
        var first = Result(MeshCompiler.Compile(MeshSnapshot.From(objects)), vs);
        vs.Metadata.Generation = 4;
        var second = Result(MeshCompiler.Compile(MeshSnapshot.From(objects)), vs);

        Assert.All(first.Conditions, c => Assert.Equal(3, c.ObservedGeneration));
        Assert.All(second.Conditions, c => Assert.Equal(4, c.ObservedGeneration));
        Assert.True(second.IsAccepted);
    }

    private static List<IKubernetesObject<V1ObjectMeta>> Load(string yaml)
    {
        var set = ManifestLoader.LoadText("test.yaml", yaml);
        Assert.Empty(set.Problems);
        return [.. set.Resources.Select(r => r.Object)];
    }

    private static ResourceResult Result(CompiledMesh mesh, IKubernetesObject<V1ObjectMeta> resource) =>
        mesh.Results.Single(r => r.Resource == ResourceRef.Of(resource));
}
