using System.Net;
using Mesh.Testing.Manifests;
using Mesh.Testing.Operator;

namespace Mesh.Operator.Tests.Diagnostics;

/// <summary>The operator's HTTP port against DNS rebinding: /debug/* answers only a local Host; health and metrics any.</summary>
public sealed class DebugHostFilterTests : IAsyncLifetime
{
    private LocalOperator _operator = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _operator = await LocalOperator.StartAsync(new Dictionary<string, string> { ["services.yaml"] = ReviewsManifests.Services(19184, 19185) });
        _http = new HttpClient { BaseAddress = _operator.HttpAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _operator.DisposeAsync();
    }

    [Theory]
    [InlineData("/debug/proxies")]
    [InlineData("/debug/resources")]
    [InlineData("/debug/config?namespace=default&labels=app=reviews")]
    public async Task Debug_endpoints_refuse_a_foreign_host_and_answer_a_local_one(string path)
    {
        var port = _operator.HttpAddress.Port;

        using var rebound = await GetAsync(path, $"rebound.example:{port}");
        using var localhost = await GetAsync(path, $"localhost:{port}");
        using var loopback = await GetAsync(path, $"127.0.0.1:{port}");

        Assert.Equal(HttpStatusCode.Forbidden, rebound.StatusCode);
        Assert.Contains("rebound.example", await rebound.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.NotEqual(HttpStatusCode.Forbidden, localhost.StatusCode);
        Assert.NotEqual(HttpStatusCode.Forbidden, loopback.StatusCode);
    }

    [Theory]
    [InlineData("/healthz")]
    [InlineData("/readyz")]
    [InlineData("/metrics")]
    public async Task Health_and_metrics_answer_whatever_host_kubelet_or_prometheus_sends(string path)
    {
        // /readyz turns 200 once the first config is compiled; whatever the Host, it must get there.
        await Mesh.Testing.Eventually.AssertAsync(
            async () =>
            {
                using var response = await GetAsync(path, "mesh-operator.mesh-system.svc:15014");
                return response.StatusCode == HttpStatusCode.OK;
            },
            $"{path} answers 200 to a Host that is not local");
    }

    private Task<HttpResponseMessage> GetAsync(string path, string host)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = host;
        return _http.SendAsync(request);
    }
}
