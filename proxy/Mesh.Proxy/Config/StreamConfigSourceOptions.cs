namespace Mesh.Proxy.Config;

/// <summary>How the proxy keeps its config stream to the control plane open.</summary>
public sealed class StreamConfigSourceOptions
{
    /// <summary>The first reconnect waits about this long. Default 250 ms.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Reconnect delays double up to this. Default 15 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The largest config the proxy accepts, in bytes (one response carries the whole config). Default 256 MiB,
    /// the operator's send limit: 1,000 services compile to 1.3 MB, and gRPC's customary 4 MiB would cut off a large
    /// mesh's proxies with RESOURCE_EXHAUSTED.
    /// </summary>
    public int MaxReceiveMessageSize { get; set; } = 256 * 1024 * 1024;

    /// <summary>
    /// Ask for incremental responses (Node.accepts_delta): after the first whole config the operator sends only what
    /// changed. Default true; false gets a whole config in every response.
    /// </summary>
    public bool AcceptDeltas { get; set; } = true;
}
