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
        var connection = new ProxyConnection(1, new Node { Id = "ns/p" }, "", DateTimeOffset.UnixEpoch, queueCapacity: 1,
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
    public void A_transport_already_gone_when_a_full_queue_aborts_the_connection_is_not_an_error()
    {
        var connection = new ProxyConnection(1, new Node { Id = "ns/p" }, "", DateTimeOffset.UnixEpoch, queueCapacity: 1,
            () => throw new ObjectDisposedException("HttpContext"), CancellationToken.None);

        Assert.Equal(PushOutcome.Queued, connection.Offer(new VersionedProxyConfig("v1", new ProxyConfig()), generation: 1));
        Assert.Equal(PushOutcome.Overflowed, connection.Offer(new VersionedProxyConfig("v2", new ProxyConfig()), generation: 2));
        Assert.NotNull(connection.AbortReason);
        connection.Dispose();
    }
}
