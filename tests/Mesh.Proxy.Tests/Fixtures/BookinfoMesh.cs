using Mesh.Testing;
using Mesh.Testing.Operator;

namespace Mesh.Proxy.Tests.Fixtures;

/// <summary>
/// The local demo's mesh for the dashboard tests: the demo's bookinfo manifests (examples/bookinfo, with the ratings
/// abort variant the demo applies, and one invalid VirtualService), a real backend per WorkloadEntry on an ephemeral
/// port, the real operator over them and productpage's sidecar reporting its traffic every 500 ms.
/// </summary>
internal sealed class BookinfoMesh : IAsyncDisposable
{
    public const string Reviews = "reviews.default.svc.cluster.local";
    public const string Ratings = "ratings.default.svc.cluster.local";

    /// <summary>The field path of <see cref="InvalidVirtualService"/>'s error.</summary>
    public const string InvalidPath = "spec.http[0].route[0].weight";

    private const string InvalidVirtualService = """
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata:
          name: broken-canary
          namespace: default
        spec:
          hosts: [details-canary]
          http:
            - route:
                - destination: {host: details, subset: v1}
                  weight: -5
        """;

    // The ports examples/bookinfo/workloads.yaml gives each WorkloadEntry, and the backend standing in for it.
    private static readonly (string Name, int Port)[] Workloads =
        [("productpage", 9081), ("details", 9082), ("ratings", 9083), ("reviews-v1", 9084), ("reviews-v2", 9085), ("reviews-v3", 9086)];

    private readonly List<TestBackend> _backends;

    private BookinfoMesh(List<TestBackend> backends, LocalOperator controlPlane, ProxyUnderTest sidecar)
    {
        _backends = backends;
        Operator = controlPlane;
        Sidecar = sidecar;
        Http = new HttpClient { BaseAddress = controlPlane.HttpAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public LocalOperator Operator { get; }

    public ProxyUnderTest Sidecar { get; }

    /// <summary>A client of the operator's HTTP port (/ui, /debug).</summary>
    public HttpClient Http { get; }

    public static async Task<BookinfoMesh> StartAsync()
    {
        var backends = new List<TestBackend>();
        foreach (var (name, _) in Workloads)
        {
            backends.Add(await TestBackend.StartAsync(name));
        }

        var examples = RepositoryPaths.Combine("examples");
        var workloads = await File.ReadAllTextAsync(Path.Combine(examples, "bookinfo", "workloads.yaml"));
        for (var i = 0; i < Workloads.Length; i++)
        {
            workloads = workloads.Replace($"http: {Workloads[i].Port}", $"http: {backends[i].Port}", StringComparison.Ordinal);
        }

        // As the demo does: the ratings VirtualService gives way to the variant that aborts jason's requests with 500.
        var virtualServices = string.Join("\n---", (await File.ReadAllTextAsync(Path.Combine(examples, "bookinfo", "virtual-services.yaml")))
            .Split("\n---")
            .Where(d => !(d.Contains("kind: VirtualService", StringComparison.Ordinal) && d.Contains("\n  name: ratings\n", StringComparison.Ordinal))));
        var controlPlane = await LocalOperator.StartAsync(new Dictionary<string, string>
        {
            ["services.yaml"] = await File.ReadAllTextAsync(Path.Combine(examples, "bookinfo", "services.yaml")),
            ["destination-rules.yaml"] = await File.ReadAllTextAsync(Path.Combine(examples, "bookinfo", "destination-rules.yaml")),
            ["workloads.yaml"] = workloads,
            ["virtual-services.yaml"] = virtualServices,
            ["ratings-abort.yaml"] = await File.ReadAllTextAsync(Path.Combine(examples, "bookinfo-variants", "ratings-abort.yaml")),
            ["broken.yaml"] = InvalidVirtualService,
        });
        var sidecar = await ProxyUnderTest.StartAsync(
            configure: options =>
            {
                options.DiscoveryAddress = controlPlane.GrpcAddress;
                options.BootstrapTokenFile = controlPlane.BootstrapTokenFile;
                options.NodeId = "default/productpage-v1";
                options.Namespace = "default";
                options.ServiceAccount = "bookinfo-productpage";
                options.Labels = new Dictionary<string, string> { ["app"] = "productpage", ["version"] = "v1" };
                options.TrafficReportInterval = TimeSpan.FromMilliseconds(500);
            });
        await Eventually.AssertAsync(() => sidecar.Applier.CurrentVersion is not null, "the sidecar applies its first config", TimeSpan.FromSeconds(30));
        return new BookinfoMesh(backends, controlPlane, sidecar);
    }

    /// <summary>Sends <paramref name="count"/> requests through the sidecar; returns how many got a 2xx.</summary>
    public async Task<int> SendAsync(string host, int count, string? endUser = null)
    {
        var succeeded = 0;
        for (var i = 0; i < count; i++)
        {
            using var response = await Sidecar.GetAsync($"{host}:9080", "/", request =>
            {
                if (endUser is not null)
                {
                    request.Headers.Add("end-user", endUser);
                }
            });
            succeeded += response.IsSuccessStatusCode ? 1 : 0;
        }

        return succeeded;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Sidecar.DisposeAsync();
        await Operator.DisposeAsync();
        foreach (var backend in _backends)
        {
            await backend.DisposeAsync();
        }
    }
}
