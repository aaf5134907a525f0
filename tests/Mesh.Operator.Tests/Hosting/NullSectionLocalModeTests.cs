using System.Text.Json;
using Mesh.Api.Grpc;
using Mesh.Api.V1;
using Mesh.Operator.Tests.ConfigServer;
using Mesh.Testing;
using Mesh.Testing.Manifests;
using Mesh.Testing.Operator;

namespace Mesh.Operator.Tests.Hosting;

/// <summary>
/// Issue 17: an empty <c>spec:</c> or a null list item in one manifest used to throw in the compiler and hold back
/// every later edit. Now it is reported in <c>/debug/resources</c> and later edits still reach the proxies.
/// </summary>
public sealed class NullSectionLocalModeTests : IAsyncLifetime
{
    private LocalOperator _operator = null!;
    private GrpcChannel _channel = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _operator = await LocalOperator.StartAsync(new Dictionary<string, string>
        {
            ["services.yaml"] = ReviewsManifests.Services(19184, 19185),
            ["reviews-vs.yaml"] = ReviewsManifests.Split(80, 20),
        });
        _channel = GrpcChannel.ForAddress(_operator.GrpcAddress);
        _http = new HttpClient { BaseAddress = _operator.HttpAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        _channel.Dispose();
        await _operator.DisposeAsync();
    }

    [Fact]
    public async Task A_null_section_is_reported_in_debug_resources_and_later_edits_still_reach_the_proxy()
    {
        using var proxy = await FakeProxyStream.OpenAsync(_channel, FakeProxyStream.Hello("default/productpage-1"));
        await proxy.AckAsync(await proxy.ReceiveAsync());

        await _operator.WriteAsync("broken.yaml", """
            apiVersion: mesh.io/v1alpha1
            kind: VirtualService
            metadata: {name: empty, namespace: default}
            spec:
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: holes, namespace: default}
            spec:
              ports:
              -
            """);
        await Eventually.AssertAsync(
            async () =>
            {
                var problems = Problems(await _http.GetStringAsync("/debug/resources"));
                return problems.Contains("VirtualService default/empty spec: spec is required") &&
                    problems.Contains("Service default/holes spec.ports[0]: a port must not be null");
            },
            "/debug/resources reports both resources at their paths");

        await _operator.WriteAsync("reviews-vs.yaml", ReviewsManifests.Split(50, 50));

        // Bounded: the edit must arrive within a few pushes (each ReceiveAsync has its own deadline).
        uint[] weights = [];
        for (var push = 0; push < 3 && weights is not [50, 50]; push++)
        {
            var next = await proxy.ReceiveAsync();
            await proxy.AckAsync(next);
            weights = Weights(next.Config);
        }

        Assert.Equal([50u, 50u], weights);
    }

    private static uint[] Weights(ProxyConfig config) =>
        [.. config.VirtualHosts.Single(h => h.Name == ReviewsManifests.Host).Routes.Single(r => r.Name == "split").Forward.Destinations.Select(d => d.Weight)];

    private static List<string> Problems(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.EnumerateArray().SelectMany(resource => resource.GetProperty("problems").EnumerateArray().Select(problem =>
            $"{resource.GetProperty("kind").GetString()} {resource.GetProperty("namespace").GetString()}/{resource.GetProperty("name").GetString()} " +
            $"{problem.GetProperty("path").GetString()}: {problem.GetProperty("message").GetString()}"))];
    }
}
