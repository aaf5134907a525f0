using k8s.Models;
using Mesh.Operator.Manifests;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Tests.Manifests;

public sealed class ManifestLoaderTests
{
    [Fact]
    public void Reads_every_kind_of_a_multi_document_file_with_its_origin()
    {
        var set = ManifestLoader.LoadText("m.yaml", """
            apiVersion: v1
            kind: Service
            metadata: {name: reviews}
            spec:
              selector: {app: reviews}
              ports: [{name: http, port: 9080, targetPort: 8080}]
            ---
            apiVersion: mesh.io/v1alpha1
            kind: VirtualService
            metadata:
              name: reviews
              namespace: shop
            spec:
              hosts: [reviews]
              http:
                - route:
                    - destination: {host: reviews}
                      weight: 100
            """);

        Assert.Empty(set.Problems);
        Assert.Equal(2, set.Resources.Count);
        var service = Assert.IsType<V1Service>(set.Resources[0].Object);
        Assert.Equal("default", service.Metadata.NamespaceProperty);
        Assert.Equal("8080", service.Spec.Ports![0].TargetPort.Value);
        var vs = Assert.IsType<VirtualService>(set.Resources[1].Object);
        Assert.Equal("shop", vs.Metadata.NamespaceProperty);
        Assert.Equal(100, vs.Spec.Http![0].Route![0].Weight);
        Assert.Equal(("m.yaml", 8), (set.Resources[1].Origin.File, set.Resources[1].Origin.Line));
        Assert.Equal(18, set.Resources[1].Origin.LineOf("spec.http[0].route[0].weight"));
        Assert.Equal(16, set.Resources[1].Origin.LineOf("spec.http[0].timeout"));
    }

    [Fact]
    public void A_field_of_the_wrong_type_is_an_error_at_its_path_and_the_other_documents_still_load()
    {
        var set = ManifestLoader.LoadText("m.yaml", """
            apiVersion: mesh.io/v1alpha1
            kind: VirtualService
            metadata: {name: bad}
            spec:
              hosts: [reviews]
              http:
                - route:
                    - destination: {host: reviews}
                      weight: heavy
            ---
            apiVersion: mesh.io/v1alpha1
            kind: WorkloadEntry
            metadata: {name: good}
            spec: {address: 127.0.0.1}
            """);

        var problem = Assert.Single(set.Problems);
        Assert.True(problem.IsError);
        Assert.Equal("spec.http[0].route[0].weight", problem.Diagnostic!.Path);
        Assert.Equal(9, problem.Line);
        Assert.IsType<WorkloadEntry>(Assert.Single(set.Resources).Object);
    }

    [Fact]
    public void Unknown_fields_are_warnings_and_do_not_stop_loading()
    {
        var set = ManifestLoader.LoadText("m.yaml", """
            apiVersion: mesh.io/v1alpha1
            kind: DestinationRule
            metadata: {name: reviews}
            spec:
              host: reviews
              subsetz: []
            """);

        var problem = Assert.Single(set.Problems);
        Assert.False(problem.IsError);
        Assert.Equal("spec.subsetz", problem.Diagnostic!.Path);
        Assert.Equal(6, problem.Line);
        Assert.Single(set.Resources);
    }

    [Fact]
    public void Documents_without_a_name_or_kind_and_invalid_yaml_are_errors()
    {
        var noName = ManifestLoader.LoadText("a.yaml", "apiVersion: mesh.io/v1alpha1\nkind: MeshPolicy\nmetadata: {}\n");
        var noKind = ManifestLoader.LoadText("b.yaml", "metadata: {name: x}\n");
        var broken = ManifestLoader.LoadText("c.yaml", "a: [1, 2\nb: 3\n");

        Assert.Equal("metadata.name", Assert.Single(noName.Problems).Diagnostic!.Path);
        Assert.Contains("apiVersion and kind", Assert.Single(noKind.Problems).Message, StringComparison.Ordinal);
        var syntax = Assert.Single(broken.Problems);
        Assert.StartsWith("invalid YAML", syntax.Message, StringComparison.Ordinal);
        Assert.True(syntax.Line > 0);
    }

    [Fact]
    public void Collections_nested_100_000_deep_are_a_syntax_error_not_a_stack_overflow()
    {
        var deep = "apiVersion: v1\nkind: Service\nmetadata: {name: deep}\nspec: " + new string('[', 100_000) + new string(']', 100_000) + "\n";

        var set = ManifestLoader.LoadText("deep.yaml", deep);

        var problem = Assert.Single(set.Problems);
        Assert.Equal("invalid YAML: collections nested more than 256 deep", problem.Message);
        Assert.Equal(4, problem.Line);
        Assert.Empty(set.Resources);
    }

    [Fact]
    public void Aliases_that_multiply_past_the_budget_are_a_syntax_error_not_a_hang()
    {
        // Six levels of ten aliases each: a million nodes if expanded ("billion laughs").
        var bomb = new System.Text.StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n  l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (var level = 1; level <= 6; level++)
        {
            bomb.Append($"  l{level}: &l{level} [{string.Join(", ", Enumerable.Repeat($"*l{level - 1}", 10))}]\n");
        }

        var set = ManifestLoader.LoadText("bomb.yaml", bomb.ToString());

        var problem = Assert.Single(set.Problems);
        Assert.Equal("invalid YAML: aliases expand to more than 100000 nodes", problem.Message);
        Assert.Equal(9, problem.Line); // l4: 110,000 nodes
        Assert.Empty(set.Resources);
    }

    [Fact]
    public void Aliases_within_the_budget_are_expanded()
    {
        var yaml = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shared\n  labels: &labels {team: a, tier: b}\n  annotations: *labels\n";

        var set = ManifestLoader.LoadText("ok.yaml", yaml);

        Assert.Empty(set.Problems);
        Assert.Single(set.Resources);
    }

    [Fact]
    public void Kinds_the_mesh_does_not_read_are_ignored_with_a_warning()
    {
        var set = ManifestLoader.LoadText("m.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n");

        Assert.False(Assert.Single(set.Problems).IsError);
        Assert.Empty(set.Resources);
    }

    [Fact]
    public void Directories_are_searched_recursively_in_a_stable_order()
    {
        var dir = Directory.CreateTempSubdirectory("mesh-manifests-");
        try
        {
            Directory.CreateDirectory(Path.Combine(dir.FullName, "sub"));
            File.WriteAllText(Path.Combine(dir.FullName, "b.yaml"), "apiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n");
            File.WriteAllText(Path.Combine(dir.FullName, "sub", "a.yml"), "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n");
            File.WriteAllText(Path.Combine(dir.FullName, "notes.txt"), "not a manifest");

            var set = ManifestLoader.LoadPaths([dir.FullName, Path.Combine(dir.FullName, "missing.yaml")]);

            Assert.Equal(["b", "a"], set.Resources.Select(r => r.Ref.Name));
            Assert.Equal("no such file or directory", Assert.Single(set.Problems).Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
