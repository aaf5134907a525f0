using System.Diagnostics;
using System.Diagnostics.Metrics;
using Mesh.Proxy.Telemetry;

namespace Mesh.Proxy.Tls;

/// <summary>mTLS instruments, on the proxy's meter so that /stats/prometheus exports them with the others.</summary>
internal sealed class TlsMetrics
{
    private readonly Counter<long> _plaintextRefused;
    private readonly Counter<long> _peersRefused;

    public TlsMetrics(ProxyMetrics metrics)
    {
        _plaintextRefused = metrics.Meter.CreateCounter<long>("mesh_inbound_plaintext_refused_total", description: "Plaintext connections closed because inbound mTLS is STRICT.");
        _peersRefused = metrics.Meter.CreateCounter<long>("mesh_tls_peer_refused_total", description: "TLS handshakes refused because the peer's certificate or identity was not acceptable.");
    }

    public void PlaintextRefused() => _plaintextRefused.Add(1);

    public void PeerRefused(string direction, string reason) =>
        _peersRefused.Add(1, new TagList { { "direction", direction }, { "reason", reason } });
}
