using System.Threading.Channels;

namespace Mesh.Operator.ConfigServer;

/// <summary>
/// The responses waiting to be written to one proxy, bounded in count and in bytes. A full config (state of the
/// world) supersedes whatever still waits, so a proxy that reads slowly holds at most the newest config here, never a
/// backlog of stale ones; the bounds decide when a proxy is too slow and is disconnected instead.
/// </summary>
internal sealed class PendingPushQueue
{
    private readonly Channel<ProxyConnection.PendingPush> _channel;
    private readonly int _capacity;
    private readonly long _maxBytes;
    private long _bytes;

    /// <param name="capacity">Responses that may wait at once.</param>
    /// <param name="maxBytes">Bytes that may wait at once; one response larger than this is still taken when nothing
    /// else waits (it is bounded by the largest message the server sends).</param>
    public PendingPushQueue(int capacity, long maxBytes)
    {
        _capacity = Math.Max(1, capacity);
        _maxBytes = maxBytes;

        // Not SingleReader: an offer drains superseded entries while the sender may be reading.
        _channel = Channel.CreateBounded<ProxyConnection.PendingPush>(new BoundedChannelOptions(_capacity)
        {
            SingleReader = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public ChannelReader<ProxyConnection.PendingPush> Reader => _channel.Reader;

    /// <summary>Bytes of the responses queued and not yet taken for writing.</summary>
    public long QueuedBytes => Interlocked.Read(ref _bytes);

    /// <summary>
    /// Queues <paramref name="push"/>; with <paramref name="supersedesQueued"/> the responses still waiting are dropped
    /// first. False when it would exceed the count or byte bound. The caller serializes offers.
    /// </summary>
    public bool TryOffer(ProxyConnection.PendingPush push, bool supersedesQueued)
    {
        if (supersedesQueued)
        {
            while (_channel.Reader.TryRead(out var superseded))
            {
                Taken(superseded);
            }
        }

        var size = push.Config.Payload.Length;
        var queued = Interlocked.Read(ref _bytes);
        if (_channel.Reader.Count >= _capacity || (_channel.Reader.Count > 0 && queued + size > _maxBytes))
        {
            return false;
        }

        Interlocked.Add(ref _bytes, size);
        if (!_channel.Writer.TryWrite(push))
        {
            Interlocked.Add(ref _bytes, -size);
            return false;
        }

        return true;
    }

    /// <summary>The sender took <paramref name="push"/> off the queue to write it.</summary>
    public void Taken(ProxyConnection.PendingPush push) => Interlocked.Add(ref _bytes, -push.Config.Payload.Length);

    public void Complete() => _channel.Writer.TryComplete();
}
