using System.Buffers;
using Mesh.Api.V1;
using Mesh.Operator.ConfigServer;

namespace Mesh.Operator.Tests.ConfigServer;

public sealed class PendingPushQueueTests
{
    [Fact]
    public void A_full_config_supersedes_the_ones_waiting_so_the_queue_holds_only_the_newest()
    {
        var queue = new PendingPushQueue(capacity: 2, maxBytes: 1024 * 1024);

        for (var generation = 1; generation <= 10; generation++)
        {
            Assert.True(queue.TryOffer(Push(generation, 1000), supersedesQueued: true));
        }

        Assert.True(queue.Reader.TryRead(out var only));
        Assert.Equal(10, only.Generation);
        Assert.False(queue.Reader.TryRead(out _));
        Assert.Equal(1000, queue.QueuedBytes);
        queue.Taken(only);
        Assert.Equal(0, queue.QueuedBytes);
    }

    [Fact]
    public void Responses_that_do_not_supersede_are_bounded_in_bytes_and_count_but_one_large_one_alone_is_taken()
    {
        var queue = new PendingPushQueue(capacity: 3, maxBytes: 2500);

        Assert.True(queue.TryOffer(Push(1, 5000), supersedesQueued: false));
        Assert.False(queue.TryOffer(Push(2, 1), supersedesQueued: false));
        Assert.True(queue.Reader.TryRead(out var large));
        queue.Taken(large);

        Assert.True(queue.TryOffer(Push(3, 1000), supersedesQueued: false));
        Assert.True(queue.TryOffer(Push(4, 1000), supersedesQueued: false));
        Assert.False(queue.TryOffer(Push(5, 1000), supersedesQueued: false));
        Assert.Equal(2000, queue.QueuedBytes);
        Assert.True(queue.TryOffer(Push(6, 10), supersedesQueued: false));
        Assert.False(queue.TryOffer(Push(7, 10), supersedesQueued: false));
    }

    private static ProxyConnection.PendingPush Push(long generation, int size) =>
        new(new VersionedProxyConfig("v" + generation, new SizedPayload(size)), generation);

    private sealed class SizedPayload(int length) : IProxyConfigPayload
    {
        public int Length => length;

        public void WriteTo(IBufferWriter<byte> destination) => destination.Write(new byte[length]);

        public ProxyConfig ToMessage() => new();
    }
}
