namespace Mesh.Operator.ConfigServer;

/// <summary>Options of the config stream server.</summary>
public sealed class ConfigServerOptions
{
    /// <summary>
    /// How many responses may wait for one proxy before it counts as too slow and is disconnected (it reconnects
    /// and gets a fresh snapshot). Default 8: each response is a whole config, so more would only hold stale ones.
    /// </summary>
    public int SendQueueCapacity { get; set; } = 8;

    /// <summary>
    /// How many bytes of config may wait to be written to one proxy, besides the one being written. A full config
    /// supersedes one still waiting, so this holds at most the newest config; a larger single config is still taken
    /// when nothing else waits. Beyond it the proxy counts as too slow and is disconnected. Default 16 MiB: above a
    /// 1,000-service mesh's config (1.3 MB in build/convergence) with room for incremental responses.
    /// </summary>
    public long MaxQueuedBytesPerStream { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// How many config streams this replica holds at once, over all callers; one more gets RESOURCE_EXHAUSTED (the
    /// proxy retries with backoff, and reaches another replica through the Service). Streams are counted from
    /// authentication on, so streams that never send their first request count too. Default 20,000: about 40 KiB of
    /// operator memory each when idle (README), plus the configs being written; scale replicas out beyond it.
    /// </summary>
    public int MaxStreams { get; set; } = 20_000;

    /// <summary>
    /// How many config streams one workload identity (namespace and service account) holds at once; one more gets
    /// RESOURCE_EXHAUSTED. Every pod of a Deployment usually shares one service account, so this must hold the largest
    /// Deployment with room for a rollout's surge: default 10,000. It stops one workload (or a stolen token) from
    /// taking the whole <see cref="MaxStreams"/>. A reconnecting proxy's new stream supersedes its old one (same node
    /// id), so reconnects do not add up against either limit.
    /// </summary>
    public int MaxStreamsPerIdentity { get; set; } = 10_000;

    /// <summary>
    /// How long an authenticated stream may take to send its first request (its Node) before it is ended with
    /// DEADLINE_EXCEEDED. Proxies send it at once; default 10 s leaves room for a loaded node.
    /// </summary>
    public TimeSpan FirstRequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// After this many streams have closed (counted from the highest number open since the last time), once the count
    /// has held steady for <see cref="ReclaimCheckInterval"/>, the operator runs one compacting garbage collection so
    /// that their memory goes back to the system instead of staying at the peak while the operator idles. Default 500:
    /// a mass disconnect, not the churn of ordinary rollouts (one collection of a few hundred MiB takes tens of ms).
    /// 0 turns it off.
    /// </summary>
    public int ReclaimAfterClosedStreams { get; set; } = 500;

    /// <summary>
    /// How many bytes of free transport buffers (Kestrel's 4 KiB blocks, for every listener) are kept for reuse; blocks
    /// freed beyond it go to the garbage collector. Kestrel's own pool keeps every block it ever used and returns them
    /// slowly, so the buffers of thousands of closed streams stayed resident. Default 16 MiB: the buffers of a few
    /// thousand busy connections at once, a small fraction of the operator's memory.
    /// </summary>
    public long MaxRetainedTransportBufferBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How often the number of open streams is checked for <see cref="ReclaimAfterClosedStreams"/>. Default 5 s.</summary>
    public TimeSpan ReclaimCheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How many responses may be written at once over all streams. A response being written holds its whole config
    /// in the transport's buffers until the proxy has taken it, so this is what bounds the memory of a push to every
    /// proxy (a 1 MB config to 2,000 proxies at once would hold 2 GB, twice); the pushes beyond it wait their turn.
    /// Default 4: with 2,000 proxies it took less CPU and memory than 16 at no cost in time (build/convergence).
    /// </summary>
    public int MaxConcurrentWrites { get; set; } = 4;

    /// <summary>
    /// How long one response may take to be written before the proxy counts as too slow and is disconnected, so that
    /// a proxy that stopped reading cannot hold one of <see cref="MaxConcurrentWrites"/> for long. Default 30 s.
    /// </summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The largest request message the gRPC port accepts, in bytes. Requests are small (a Node, an ACK, a CSR), so
    /// this stays at gRPC's customary 4 MiB and a larger one ends the call with RESOURCE_EXHAUSTED.
    /// </summary>
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// The largest response message the gRPC port sends, in bytes. A config is one message and grows with the mesh
    /// (1.3 MB for 1,000 services in build/convergence), so the default is 256 MiB: far above any mesh we measured,
    /// yet a bound. A larger config fails that proxy's push with RESOURCE_EXHAUSTED rather than being cut.
    /// </summary>
    public int MaxSendMessageSize { get; set; } = 256 * 1024 * 1024;
}
