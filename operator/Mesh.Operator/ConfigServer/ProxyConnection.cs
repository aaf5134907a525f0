using System.Globalization;
using System.Threading.Channels;
using Mesh.Api.V1;

namespace Mesh.Operator.ConfigServer;

/// <summary>
/// The server's side of one proxy's config stream: its node, what was sent and answered, and the bounded queue of
/// responses waiting to be written. It decides per response whether to send the whole config or a delta from the
/// config sent before (discovery.proto's rules: whole first, whole after a NACK, deltas only if the node asks).
/// </summary>
internal sealed class ProxyConnection : IDisposable
{
    private readonly PendingPushQueue _queue;
    private readonly CancellationTokenSource _aborted;
    private readonly Lock _gate = new();

    private long _offeredGeneration = -1;
    private string? _offeredVersion;
    private long _nonceCounter;
    private string? _sentNonce;
    private string? _sentVersion;
    private long _sentGeneration = -1;
    private string? _ackedVersion;
    private DateTimeOffset? _ackedAt;
    private NackRecord? _lastNack;
    private readonly bool _acceptsDelta;
    private bool _wholeNext = true;
    private bool _sentDelta;
    // What the proxy was last sent, as digests: the config itself would keep its compile alive after the next one.
    private Delta.DeltaBase? _lastSentBase;

    // The newest config offered (of the current compile): what a NACKed delta is followed by.
    private VersionedProxyConfig? _offered;

    // The config last written and the one last acknowledged: the dashboard's served-versus-expected diff reads the
    // latter, so at most one older compile stays reachable per proxy for it.
    private VersionedProxyConfig? _lastSent;
    private VersionedProxyConfig? _lastAcked;

    private readonly Action _abortTransport;
    private bool _ended;

    /// <param name="abortTransport">Resets the underlying HTTP/2 stream. A proxy that stopped reading holds the
    /// stream's flow-control window shut, so neither trailers nor a graceful close could reach it.</param>
    public ProxyConnection(long id, Node node, string? initialVersion, DateTimeOffset connectedSince, int queueCapacity, long maxQueuedBytes, Action abortTransport, CancellationToken callAborted)
    {
        _abortTransport = abortTransport;
        Id = id;
        Node = node;
        ConnectedSince = connectedSince;
        _ackedVersion = string.IsNullOrEmpty(initialVersion) ? null : initialVersion;
        _acceptsDelta = node.AcceptsDelta;
        _queue = new PendingPushQueue(queueCapacity, maxQueuedBytes);
        _aborted = CancellationTokenSource.CreateLinkedTokenSource(callAborted);
    }

    public long Id { get; }

    public Node Node { get; }

    public DateTimeOffset ConnectedSince { get; }

    /// <summary>Cancelled when the call ends or the server drops the connection.</summary>
    public CancellationToken Aborted => _aborted.Token;

    /// <summary>The call has finished (the connection was disposed).</summary>
    private bool Ended => Volatile.Read(ref _ended);

    /// <summary>Why the server dropped the connection, if it did.</summary>
    public string? AbortReason { get; private set; }

    public ChannelReader<PendingPush> Pending => _queue.Reader;

    /// <summary>Bytes of the configs waiting to be written.</summary>
    public long QueuedBytes => _queue.QueuedBytes;

    /// <summary>Whether the next response would be a delta (when the config allows one): for labelling what was dropped.</summary>
    public bool NextIsDelta
    {
        get
        {
            lock (_gate)
            {
                return _acceptsDelta && !_wholeNext;
            }
        }
    }

    /// <summary>
    /// Queues <paramref name="config"/> unless the proxy already has that version or was offered a newer generation.
    /// A full config supersedes one still waiting; a full queue means the proxy cannot keep up: it is disconnected
    /// rather than allowed to slow the others.
    /// </summary>
    public PushOutcome Offer(VersionedProxyConfig config, long generation)
    {
        lock (_gate)
        {
            if (AbortReason is not null || Ended || generation < _offeredGeneration)
            {
                return PushOutcome.Unchanged;
            }

            _offeredGeneration = generation;
            if (string.Equals(config.Version, _offeredVersion, StringComparison.Ordinal))
            {
                // The same content from the newer compile: hold that one, so the older compile can go (what was
                // sent and acknowledged too, when it is this content: otherwise every proxy a change leaves alone
                // would keep the compile before it alive).
                _offered = config;
                if (string.Equals(_lastSent?.Version, config.Version, StringComparison.Ordinal))
                {
                    _lastSent = config;
                }

                if (string.Equals(_lastAcked?.Version, config.Version, StringComparison.Ordinal))
                {
                    _lastAcked = config;
                }

                return PushOutcome.Unchanged;
            }

            if (!_queue.TryOffer(new PendingPush(config, generation), supersedesQueued: true))
            {
                Abort("send queue full: the proxy is not reading its config stream", resetStream: true);
                return PushOutcome.Overflowed;
            }

            _offeredVersion = config.Version;
            _offered = config;
            return PushOutcome.Queued;
        }
    }

    /// <summary>Records that <paramref name="push"/> is about to be written and returns the response to write.</summary>
    public ConfigResponseFrame PrepareResponse(PendingPush push)
    {
        lock (_gate)
        {
            _queue.Taken(push);
            _sentNonce = (++_nonceCounter).ToString(CultureInfo.InvariantCulture);
            var after = push.Config.Payload as IIncrementalPayload;
            var delta = _acceptsDelta && !_wholeNext && !push.Whole && _lastSentBase is { } before && after is not null
                ? after.Resources.DeltaFrom(before)
                : null;
            _wholeNext = false;
            _lastSentBase = _acceptsDelta ? after?.Resources.Baseline : null;
            _sentDelta = delta is not null;
            _sentVersion = push.Config.Version;
            _sentGeneration = push.Generation;
            _lastSent = push.Config;
            return delta is null
                ? new ConfigResponseFrame(push.Config.Version, _sentNonce, push.Config.Payload)
                : new ConfigResponseFrame(push.Config.Version, _sentNonce, delta, delta.DeltaField);
        }
    }

    /// <summary>Judges a request that follows the first: an ACK or NACK of the last response, or stale.</summary>
    public Answer HandleRequest(ConfigRequest request, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_sentNonce is null || !string.Equals(request.ResponseNonce, _sentNonce, StringComparison.Ordinal))
            {
                return new Answer(AnswerKind.Stale, _sentGeneration, null, Delta: false);
            }

            // Answering twice is as stale as answering an old response.
            _sentNonce = null;
            if (request.ErrorDetail is { } error)
            {
                _lastNack = new NackRecord(_sentVersion ?? "", error.Code, error.Message, now);

                // The proxy serves some earlier config: deltas from what was sent no longer fit it. A rejected delta
                // is followed at once by the whole config (the delta may be what failed, or the proxy may have
                // missed a base); a rejected whole config waits for the next change, as in state of the world.
                _wholeNext = true;
                if (_sentDelta && string.Equals(_offeredVersion, _sentVersion, StringComparison.Ordinal) && _offered is not null
                    && !_queue.TryOffer(new PendingPush(_offered, _sentGeneration, Whole: true), supersedesQueued: false))
                {
                    Abort("send queue full: the proxy is not reading its config stream", resetStream: true);
                }

                return new Answer(AnswerKind.Nack, _sentGeneration, _lastNack, _sentDelta);
            }

            _ackedVersion = request.VersionInfo;
            _ackedAt = now;
            _lastAcked = _lastSent;
            return new Answer(AnswerKind.Ack, _sentGeneration, null, _sentDelta);
        }
    }

    /// <summary>The config the proxy last acknowledged on this stream (null before its first ACK): what it serves.</summary>
    public VersionedProxyConfig? LastAcked
    {
        get
        {
            lock (_gate)
            {
                return _lastAcked;
            }
        }
    }

    public ProxyStatus GetStatus()
    {
        lock (_gate)
        {
            return new ProxyStatus(
                Node.Id,
                Node.Namespace,
                Node.Ip,
                ConnectedSince,
                _ackedVersion,
                _ackedAt,
                _sentVersion,
                _sentNonce is not null,
                _lastNack,
                Node.ReportsTraffic);
        }
    }

    /// <summary>
    /// Ends the call from the server's side with UNAVAILABLE, so the proxy reconnects. <paramref name="resetStream"/>
    /// also resets the HTTP/2 stream, for a proxy that no longer reads and so could never receive the status.
    /// </summary>
    public void Abort(string reason, bool resetStream)
    {
        AbortReason ??= reason;
        Close();
        if (resetStream && !Ended)
        {
            try
            {
                _abortTransport();
            }
            catch (ObjectDisposedException)
            {
                // The call finished meanwhile and Kestrel recycled its context: there is nothing left to reset.
            }
        }
    }

    /// <summary>Ends both directions of the stream without blaming the proxy.</summary>
    public void Close()
    {
        _queue.Complete();
        if (Ended)
        {
            return;
        }

        try
        {
            _aborted.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // A publication that listed this connection just before its call ended (see Ended).
        }
    }

    public void Dispose()
    {
        // A publication may still hold this connection (it lists connections before offering to each): from now on
        // offering to it or aborting it does nothing instead of touching the finished call.
        Volatile.Write(ref _ended, true);
        _queue.Complete();
        _aborted.Dispose();
    }

    /// <summary>A config waiting to be written, with the generation it belongs to; <paramref name="Whole"/> forbids a delta.</summary>
    internal readonly record struct PendingPush(VersionedProxyConfig Config, long Generation, bool Whole = false);

    /// <summary>The judgement of one request; <paramref name="Delta"/>: the answered response was a delta.</summary>
    internal readonly record struct Answer(AnswerKind Kind, long Generation, NackRecord? Nack, bool Delta);
}
