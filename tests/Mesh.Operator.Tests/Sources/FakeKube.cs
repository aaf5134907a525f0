using System.Text.Json.Nodes;
using Mesh.Kubernetes.Informers;
using Mesh.Kubernetes.Tests.Fixtures;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Tests.Sources;

/// <summary>
/// The fake API server serving every type the operator reads (plus Leases, and the Secrets and webhook configurations
/// of the self-managed webhook certificate), and objects to put in it.
/// </summary>
internal sealed class FakeKube : IAsyncDisposable
{
    public static readonly ResourceType VirtualServices = Mesh<VirtualService>();

    public static readonly ResourceType DestinationRules = Mesh<DestinationRule>();

    public static readonly ResourceType MeshPolicies = Mesh<MeshPolicy>();

    public static readonly ResourceType WorkloadEntries = Mesh<WorkloadEntry>();

    public static readonly ResourceType MutatingWebhookConfigurations =
        new("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "MutatingWebhookConfiguration", Namespaced: false);

    /// <summary>The mesh.io collections, as the resources' [KubernetesEntity] names them for the operator's calls.</summary>
    public static readonly IReadOnlyList<ResourceType> MeshTypes = [VirtualServices, DestinationRules, MeshPolicies, WorkloadEntries];

    public static readonly IReadOnlyList<ResourceType> Types =
        [.. MeshTypes, ResourceType.Service, ResourceType.EndpointSlice, ResourceType.Pod, ResourceType.Namespace, ResourceType.Lease,
         ResourceType.Secret, MutatingWebhookConfigurations];

    private FakeKube(FakeApiServer server) => Server = server;

    public FakeApiServer Server { get; }

    public k8s.KubernetesClientConfiguration Configuration => new() { Host = Server.Url.ToString(), Namespace = "default" };

    /// <summary>PATCH requests on a <c>/status</c> subresource so far.</summary>
    public int StatusPatches => Server.Requests.Count(r => r.Method == "PATCH" && r.Path.EndsWith("/status", StringComparison.Ordinal));

    public static async Task<FakeKube> StartAsync() => new(await FakeApiServer.StartAsync(Types));

    public JsonObject Create(ResourceType type, string json)
    {
        var obj = JsonNode.Parse(json)!.AsObject();
        var ns = type.Namespaced ? FakeObjects.Namespace(obj) ?? "default" : null;
        return Server.Store.Create(type, ns, obj);
    }

    public JsonObject Get(ResourceType type, string? ns, string name) => Server.Store.Get(type, ns, name);

    public static string VirtualService(string name, string hostsJson, string host = "reviews") => $$$"""
        {"apiVersion":"mesh.io/v1alpha1","kind":"VirtualService","metadata":{"name":"{{{name}}}","namespace":"default"},
         "spec":{"hosts":{{{hostsJson}}},"http":[{"name":"all","route":[{"destination":{"host":"{{{host}}}"}}]}]}}
        """;

    public static string Service(string name, int port = 9080) => $$$"""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"{{{name}}}","namespace":"default"},
         "spec":{"selector":{"app":"{{{name}}}"},"ports":[{"name":"http","port":{{{port}}},"targetPort":{{{port}}}}]}}
        """;

    /// <summary>One of each type the source reads, reviews' Service and endpoints included.</summary>
    public void SeedOneOfEach()
    {
        Create(ResourceType.Namespace, """{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"default","labels":{"mesh.io/injection":"enabled"}}}""");
        Create(ResourceType.Service, Service("reviews"));
        Create(ResourceType.EndpointSlice, """
            {"apiVersion":"discovery.k8s.io/v1","kind":"EndpointSlice","addressType":"IPv4",
             "metadata":{"name":"reviews-abc","namespace":"default","labels":{"kubernetes.io/service-name":"reviews"}},
             "endpoints":[{"addresses":["10.0.0.7"],"conditions":{"ready":true}}],"ports":[{"name":"http","port":9080}]}
            """);
        Create(ResourceType.Pod, """
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"reviews-1","namespace":"default","labels":{"app":"reviews"}},
             "spec":{"containers":[{"name":"app","image":"reviews"}]},"status":{"podIP":"10.0.0.7"}}
            """);
        Create(VirtualServices, VirtualService("reviews", """["reviews"]"""));
        Create(DestinationRules, """
            {"apiVersion":"mesh.io/v1alpha1","kind":"DestinationRule","metadata":{"name":"reviews","namespace":"default"},
             "spec":{"host":"reviews","trafficPolicy":{"loadBalancer":{"simple":"ROUND_ROBIN"}}}}
            """);
        Create(MeshPolicies, """
            {"apiVersion":"mesh.io/v1alpha1","kind":"MeshPolicy","metadata":{"name":"strict","namespace":"default"},
             "spec":{"mtls":{"mode":"STRICT"}}}
            """);
        Create(WorkloadEntries, """
            {"apiVersion":"mesh.io/v1alpha1","kind":"WorkloadEntry","metadata":{"name":"vm-1","namespace":"default"},
             "spec":{"address":"192.168.1.10","labels":{"app":"reviews"}}}
            """);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private static ResourceType Mesh<T>()
    {
        var (group, version, plural) = ListWatchers.EntityOf<T>();
        return new(group, version, plural, typeof(T).Name, Namespaced: true);
    }
}
