using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Config;
using Mesh.Operator.Manifests;
using Mesh.Testing;
using KubernetesJson = Mesh.Kubernetes.KubernetesJson;

namespace Mesh.IntegrationTests.Fixtures;

/// <summary>
/// The cluster of <see cref="ClusterSource"/> through the mesh's Kubernetes client (KubernetesClient underneath):
/// server-side apply of manifests, and a namespace per test run, deleted afterwards.
/// </summary>
internal sealed class Cluster : IAsyncDisposable
{
    public const string FieldManager = "mesh-integration-tests";

    /// <summary>Collections outside the core group the suite applies, by kind: plural and whether namespaced.</summary>
    private static readonly Dictionary<string, (string Plural, bool Namespaced)> Collections = new(StringComparer.Ordinal)
    {
        ["CustomResourceDefinition"] = ("customresourcedefinitions", false),
        ["MutatingWebhookConfiguration"] = ("mutatingwebhookconfigurations", false),
        ["VirtualService"] = ("virtualservices", true),
        ["DestinationRule"] = ("destinationrules", true),
        ["MeshPolicy"] = ("meshpolicies", true),
        ["WorkloadEntry"] = ("workloadentries", true),
        ["Deployment"] = ("deployments", true),
    };

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
        await cluster.ApplyAsync(NamespaceManifest(cluster.Namespace, injection: true), cancellationToken);
        return cluster;
    }

    public static string NamespaceManifest(string name, bool injection) => new JsonObject
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject
        {
            ["name"] = name,
            ["labels"] = injection ? new JsonObject { ["mesh.io/injection"] = "enabled" } : new JsonObject(),
        },
    }.ToJsonString();

    /// <summary>
    /// Server-side applies one object (JSON or YAML; a namespaced one lands in <see cref="Namespace"/> unless it names
    /// another) and returns what the server stored. Only a patch: fields this suite does not know survive.
    /// </summary>
    public async Task<JsonObject> ApplyAsync(string manifest, CancellationToken cancellationToken)
    {
        var root = YamlJsonReader.Read(manifest).Single().Root!.AsObject();
        var apiVersion = (string)root["apiVersion"]!;
        var kind = (string)root["kind"]!;
        var metadata = root["metadata"]!.AsObject();
        var name = (string)metadata["name"]!;
        var namespaced = apiVersion == "v1" ? kind != "Namespace" : Collections[kind].Namespaced;
        var ns = namespaced ? (string?)metadata["namespace"] ?? Namespace : null;
        if (namespaced)
        {
            metadata["namespace"] = ns;
        }

        var patch = new V1Patch(root.ToJsonString(), V1Patch.PatchType.ApplyPatch);
        object stored = (apiVersion, kind) switch
        {
            ("v1", "Namespace") => await Client.CallAsync(api => api.CoreV1.PatchNamespaceAsync(patch, name, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken)),
            ("v1", "Service") => await Client.CallAsync(api => api.CoreV1.PatchNamespacedServiceAsync(patch, name, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken)),
            ("v1", "Pod") => await Client.CallAsync(api => api.CoreV1.PatchNamespacedPodAsync(patch, name, ns, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken)),
            ("v1", _) => throw new NotSupportedException($"the suite does not apply v1 {kind}"),
            _ => await ApplyCustomAsync(apiVersion, kind, ns, name, patch, cancellationToken),
        };
        return JsonSerializer.SerializeToNode(stored, stored.GetType(), KubernetesJson.Options)!.AsObject();
    }

    /// <summary>An object of a group other than core (CRDs, webhook configurations, mesh.io resources, apps), as JSON.</summary>
    public Task<JsonObject> GetAsync(string apiVersion, string kind, string? @namespace, string name, CancellationToken cancellationToken)
    {
        var (group, version) = Split(apiVersion);
        var plural = Collections[kind].Plural;
        return Client.CallAsync(api => @namespace is null
            ? api.CustomObjects.GetClusterCustomObjectAsync<JsonObject>(group, version, plural, name, cancellationToken)
            : api.CustomObjects.GetNamespacedCustomObjectAsync<JsonObject>(group, version, @namespace, plural, name, cancellationToken));
    }

    public Task DeleteNamespaceAsync(string name, CancellationToken cancellationToken)
        => Client.CallAsync(api => api.CoreV1.DeleteNamespaceAsync(name, cancellationToken: cancellationToken));

    public Task DeleteClusterObjectAsync(string apiVersion, string kind, string name, CancellationToken cancellationToken)
    {
        var (group, version) = Split(apiVersion);
        return Client.CallAsync(api => api.CustomObjects.DeleteClusterCustomObjectAsync(group, version, Collections[kind].Plural, name, cancellationToken: cancellationToken));
    }

    /// <summary>The <c>status.conditions</c> entry of <paramref name="type"/> has status True.</summary>
    public static bool HasCondition(JsonObject obj, string type) =>
        obj["status"]?["conditions"] is JsonArray conditions
        && conditions.Any(c => (string?)c?["type"] == type && (string?)c?["status"] == "True");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DeleteNamespaceAsync(Namespace, CancellationToken.None);
        }
        finally
        {
            Client.Dispose();
        }
    }

    private static (string Group, string Version) Split(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return (apiVersion[..slash], apiVersion[(slash + 1)..]);
    }

    private Task<JsonObject> ApplyCustomAsync(string apiVersion, string kind, string? ns, string name, V1Patch patch, CancellationToken cancellationToken)
    {
        var (group, version) = Split(apiVersion);
        var plural = Collections[kind].Plural;
        return Client.CallAsync(api => ns is null
            ? api.CustomObjects.PatchClusterCustomObjectAsync<JsonObject>(patch, group, version, plural, name, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken)
            : api.CustomObjects.PatchNamespacedCustomObjectAsync<JsonObject>(patch, group, version, ns, plural, name, fieldManager: FieldManager, force: true, cancellationToken: cancellationToken));
    }

    /// <summary>crds/*.yaml, applied and waited on until the API server serves them (Established).</summary>
    private async Task InstallCrdsAsync(CancellationToken cancellationToken)
    {
        var names = new List<string>();
        foreach (var file in Directory.GetFiles(RepositoryPaths.Combine("crds"), "*.yaml").Order(StringComparer.Ordinal))
        {
            var applied = await ApplyAsync(await File.ReadAllTextAsync(file, cancellationToken), cancellationToken);
            names.Add((string)applied["metadata"]!["name"]!);
        }

        foreach (var name in names)
        {
            await Eventually.AssertAsync(
                async () => HasCondition(await GetAsync("apiextensions.k8s.io/v1", "CustomResourceDefinition", null, name, cancellationToken), "Established"),
                $"CRD {name} is established",
                TimeSpan.FromSeconds(60));
        }
    }
}
