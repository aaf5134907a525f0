namespace Mesh.Proxy.Tcp;

/// <summary>Limits of the outbound L4 path (TCP forwarding and TLS passthrough).</summary>
public sealed class TcpProxyOptions
{
    /// <summary>A connection with no byte in either direction for this long is closed. Default 1 hour (Istio's TCP idle timeout).</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a TLS client may take to send its ClientHello. Default 15 s (Envoy's listener filter timeout).</summary>
    public TimeSpan ClientHelloTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest CONNECT request head accepted, in bytes. Default 8 KiB.</summary>
    public int MaxConnectRequestBytes { get; set; } = 8 * 1024;
}
