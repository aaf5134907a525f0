using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Mesh.Proxy.Tests.Fixtures;

namespace Mesh.Proxy.Tests.Forwarding;

public sealed class UpstreamClientActivityTests
{
    [Fact]
    public async Task ForwardingStartsNoHttpClientActivityEvenWithAListener()
    {
        await using var backend = await TestBackend.StartAsync("v1");
        await using var proxy = await ProxyUnderTest.StartAsync(ConfigFactory.Simple(backend));
        var started = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStarted = started.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        using var response = await proxy.GetAsync("reviews.default.svc.cluster.local:9080");

        // The test's own client to the proxy is listened to too: proof that the listener works.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(started, a => ToPort(a) == proxy.OutboundPort);
        Assert.DoesNotContain(started, a => ToPort(a) == backend.Port);
    }

    private static int? ToPort(Activity activity) => activity.GetTagItem("server.port") is int port ? port : null;
}
