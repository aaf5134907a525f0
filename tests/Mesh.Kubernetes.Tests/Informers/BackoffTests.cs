using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Informers;
using Mesh.Kubernetes.Tests.Fixtures;
using Mesh.Testing;

namespace Mesh.Kubernetes.Tests.Informers;

public sealed class BackoffTests
{
    [Fact]
    public void Delays_DoubleFromTheInitialStep_WithUpTo100PercentJitter_CappedAtTheMaximum()
    {
        var backoff = new Backoff(TimeSpan.FromMilliseconds(800), TimeSpan.FromSeconds(30));
        var step = TimeSpan.FromMilliseconds(800);
        for (var i = 0; i < 10; i++)
        {
            var delay = backoff.Next();
            Assert.InRange(delay, step, step * 2 > TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : step * 2);
            step = step * 2 > TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : step * 2;
        }

        Assert.Equal(TimeSpan.FromSeconds(30), backoff.Next());
        backoff.Reset();
        Assert.InRange(backoff.Next(), TimeSpan.FromMilliseconds(800), TimeSpan.FromMilliseconds(1600));
    }

    [Fact]
    public async Task AnInformerWhoseListFails_WaitsOnItsTimeProvider_From800msUpTo30s()
    {
        var clock = new ManualTimeProvider();
        await using var server = await FakeApiServer.StartAsync([Widget.Type]);
        using var client = KubernetesClientFactory.Create(new k8s.KubernetesClientConfiguration { Host = server.Url.ToString() }, new KubernetesClientOptions { MaxRetries = 0 });
        server.InjectFailures(9, 500);
        var informer = InformerFactory.Create(ListWatchers.CustomObjects<Widget>(client.Api), timeProvider: clock);
        using var stop = new CancellationTokenSource();
        var run = informer.RunAsync(stop.Token);

        var step = TimeSpan.FromMilliseconds(800);
        for (var failure = 0; failure < 9; failure++)
        {
            await clock.WaitForTimersAsync(1);
            var delay = Assert.Single(clock.PendingDelays);
            Assert.InRange(delay, step, TimeSpan.FromSeconds(30) < step * 2 ? TimeSpan.FromSeconds(30) : step * 2);
            Assert.False(informer.HasSynced);
            clock.Advance(delay);
            step = step * 2 > TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : step * 2;
        }

        await informer.WaitForSyncAsync(TestTimeout.Token());
        await stop.CancelAsync();
        await run.WaitAsync(TestTimeout.Default);
    }
}
