using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Kubernetes;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Config;
using Mesh.Operator.Manifests;
using Mesh.Testing;

namespace Mesh.IntegrationTests.Fixtures;

/// <summary>
/// The cluster of <see cref="ClusterSource"/> through the mesh's Kubernetes client: server-side apply of manifests,
/// and a namespace per test run, deleted afterwards.
/// </summary>
internal sealed class Cluster : IAsyncDisposable
{
    public const string FieldManager = "mesh-integration-tests";

    private Cluster(k8s.KubernetesClientConfiguration configuration, string ns)
    {
        Configuration = configuration;
        Client = KubernetesClientFactory.Create(configuration);
        Namespace = ns;
    }

    public k8s.KubernetesClientConfiguration Configuration { get; }

    public IKubernetesClient Client { get; }

    /// <summary>This run's namespace, labelled <c>mesh.io/injection=enabled</c>.</summary>
    public string Namespace { get; }

    public static async Task<Cluster> ConnectAsync(CancellationToken cancellationToken)
    {
        var configuration = KubeConfig.Load(await ClusterSource.KubeconfigAsync());
        var cluster = new Cluster(configuration, $"mesh-it-{Guid.NewGuid():N}"[..20]);
        await cluster.InstallCrdsAsync(cancellationToken);
        var ns = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = cluster.Namespace, ["labels"] = new JsonObject { ["mesh.io/injection"] = "enabled" } },
        };
        await cluster.ApplyAsync(ResourceType.Namespace, ns.ToJsonString(), cancellationToken);
        return cluster;
    }

    /// <summary>Server-side applies one object (JSON or YAML) and returns what the server stored.</summary>
    public Task<ClusterObject> ApplyAsync(ResourceType type, string manifest, CancellationToken cancellationToken)
    {
        var root = YamlJsonReader.Read(manifest).Single().Root!.AsObject();
        var metadata = root["metadata"]!.AsObject();
        var ns = type.Namespaced ? (string?)metadata["namespace"] ?? Namespace : null;
        if (type.Namespaced)
        {
            metadata["namespace"] = ns;
        }

        return Client.PatchAsync<ClusterObject>(type, ns, (string)metadata["name"]!, KubernetesPatch.Apply(root.ToJsonString(), FieldManager, force: true), cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Client.DeleteAsync(ResourceType.Namespace, null, Namespace, null, CancellationToken.None);
        }
        finally
        {
            Client.Dispose();
        }
    }

    /// <summary>crds/*.yaml, applied and waited on until the API server serves them (Established).</summary>
    private async Task InstallCrdsAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        foreach (var file in Directory.GetFiles(RepositoryPaths.Combine("crds"), "*.yaml").Order(StringComparer.Ordinal))
        {
            var applied = await ApplyAsync(ClusterObject.CustomResourceDefinition, await File.ReadAllTextAsync(file, cancellationToken), cancellationToken);
            names.Add(applied.Metadata.Name!);
        }

        foreach (var name in names)
        {
            await Eventually.AssertAsync(
                async () => (await Client.GetAsync<ClusterObject>(ClusterObject.CustomResourceDefinition, null, name, cancellationToken)).HasCondition("Established"),
                $"CRD {name} is established",
                TimeSpan.FromSeconds(60));
        }
    }

    /// <summary>The object as the API server returned it, as JSON (for an AdmissionReview's <c>request.object</c>).</summary>
    public static JsonObject ToJson(ClusterObject obj) =>
        JsonSerializer.SerializeToNode(obj, KubernetesJson.Options)!.AsObject();
}
