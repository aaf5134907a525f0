using Mesh.Api.V1;
using Mesh.Operator.ConfigServer;

namespace Mesh.Operator.Tests.ConfigServer;

/// <summary>A connection whose call has finished is inert: a publication that still lists it neither queues nor throws.</summary>
public sealed class ProxyConnectionTests
{
    [Fact]
    public void Offering_to_or_aborting_a_finished_connection_does_nothing_and_never_touches_the_finished_call()
    {
        var transportResets = 0;
        var connection = new ProxyConnection(1, new Node { Id = "ns/p" }, "", DateTimeOffset.UnixEpoch, queueCapacity: 1, maxQueuedBytes: 1 << 20,
            () =>
            {
                transportResets++;
                throw new ObjectDisposedException("HttpContext");
            },
            CancellationToken.None);
        connection.Dispose();

        var outcome = connection.Offer(new VersionedProxyConfig("v1", new ProxyConfig()), generation: 1);
        connection.Abort("late", resetStream: true);

        Assert.Equal(PushOutcome.Unchanged, outcome);
        Assert.Equal(0, transportResets);
    }

    [Fact]
    public void A_transport_already_gone_when_the_server_aborts_the_connection_is_not_an_error()
    {
        var connection = new ProxyConnection(1, new Node { Id = "ns/p" }, "", DateTimeOffset.UnixEpoch, queueCapacity: 1, maxQueuedBytes: 1 << 20,
            () => throw new ObjectDisposedException("HttpContext"), CancellationToken.None);

        Assert.Equal(PushOutcome.Queued, connection.Offer(new VersionedProxyConfig("v1", new ProxyConfig()), generation: 1));
        connection.Abort("the proxy did not take its config in time", resetStream: true);

        Assert.NotNull(connection.AbortReason);
        Assert.True(connection.Aborted.IsCancellationRequested);
        connection.Dispose();
    }
}
