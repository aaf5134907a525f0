using System.Net;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Config;
using Mesh.Kubernetes.Tests.Fixtures;
using Mesh.Testing;

namespace Mesh.Kubernetes.Tests.Client;

public sealed class RetryTests
{
    private readonly CancellationToken _ct = TestTimeout.Token();

    [Fact]
    public async Task TooManyRequests_IsRetriedAfterTheServersRetryAfter()
    {
        var clock = new ManualTimeProvider();
        await using var cluster = await FakeCluster.StartAsync(new KubernetesClientOptions(), clock);
        cluster.Server.InjectFailures(2, 429, retryAfterSeconds: 7);

        var create = cluster.Client.CreateWidgetAsync(Widget.Create("default", "w1", "red"), _ct);
        for (var retry = 0; retry < 2; retry++)
        {
            await clock.WaitForTimersAsync(1);
            Assert.Equal(TimeSpan.FromSeconds(7), Assert.Single(clock.PendingDelays));
            Assert.False(create.IsCompleted);
            clock.Advance(TimeSpan.FromSeconds(7));
        }

        var created = await create;
        Assert.Equal("w1", created.Metadata.Name);
        Assert.Equal(3, cluster.Server.Requests.Count(r => r.Method == "POST"));
    }

    [Fact]
    public async Task ServerErrors_AreRetriedForGetUpToTheBound_ThenSurfaced()
    {
        await using var cluster = await FakeCluster.StartAsync(new KubernetesClientOptions { MaxRetries = 2, DefaultRetryDelay = TimeSpan.FromMilliseconds(1) });
        cluster.Server.InjectFailures(10, 500);

        var error = await Assert.ThrowsAsync<KubernetesException>(() => cluster.Client.GetWidgetAsync("default", "w1", _ct));
        Assert.Equal(HttpStatusCode.InternalServerError, error.Code);
        Assert.Equal(3, cluster.Server.Requests.Count(r => r.Method == "GET"));
    }

    [Fact]
    public async Task ServerErrors_OnPost_AreNotRetried()
    {
        await using var cluster = await FakeCluster.StartAsync();
        cluster.Server.InjectFailures(1, 500);

        var error = await Assert.ThrowsAsync<KubernetesException>(() => cluster.Client.CreateWidgetAsync(Widget.Create("default", "w1", "red"), _ct));
        Assert.Equal(HttpStatusCode.InternalServerError, error.Code);
        Assert.Single(cluster.Server.Requests, r => r.Method == "POST");
    }

    [Fact]
    public async Task ServerErrors_ThenSuccess_OnGetReturnTheObject()
    {
        await using var cluster = await FakeCluster.StartAsync();
        await cluster.Client.CreateWidgetAsync(Widget.Create("default", "w1", "red"), _ct);
        cluster.Server.InjectFailures(2, 503, match: r => r.Method == "GET");

        var widget = await cluster.Client.GetWidgetAsync("default", "w1", _ct);
        Assert.Equal("red", widget.Spec!.Color);
    }

    [Fact]
    public async Task TokenFile_IsReadAgainAfterTheRefreshInterval_SoRotatedTokensAreUsed()
    {
        var clock = new ManualTimeProvider();
        await using var server = await FakeApiServer.StartAsync([Widget.Type]);
        var tokenFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(tokenFile, "first\n", _ct);
            server.RequiredToken = "first";
            using var client = KubernetesClientFactory.Create(new k8s.KubernetesClientConfiguration { Host = server.Url.ToString(), TokenProvider = new RotatingTokenFile(tokenFile, clock, TimeSpan.FromMinutes(1)) }, null, clock);
            await client.ListWidgetsAsync(null, null, _ct);

            await File.WriteAllTextAsync(tokenFile, "second", _ct);
            server.RequiredToken = "second";
            clock.Advance(TimeSpan.FromSeconds(59));
            var stale = await Assert.ThrowsAsync<KubernetesException>(() => client.ListWidgetsAsync(null, null, _ct));
            Assert.Equal(HttpStatusCode.Unauthorized, stale.Code);

            clock.Advance(TimeSpan.FromSeconds(2));
            await client.ListWidgetsAsync(null, null, _ct);
            Assert.Equal(["Bearer first", "Bearer first", "Bearer second"], server.Requests.Select(r => r.Authorization));
        }
        finally
        {
            File.Delete(tokenFile);
        }
    }

    [Fact]
    public async Task AnErrorBodyThatIsNotAStatus_IsDescribedFromTheHttpStatus()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>bad gateway</html>") };
        var status = await ApiErrors.ReadStatusAsync(response, _ct);
        Assert.Equal(502, status.Code);
        Assert.Equal("InternalError", status.Reason);
        Assert.Equal("<html>bad gateway</html>", status.Message);
    }
}
