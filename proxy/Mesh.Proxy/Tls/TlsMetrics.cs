using Mesh.Proxy.Telemetry;
using Prometheus;

namespace Mesh.Proxy.Tls;

/// <summary>mTLS metrics, in the proxy's registry so that /stats/prometheus exports them with the others.</summary>
internal sealed class TlsMetrics
{
    private readonly Counter _plaintextRefused;
    private readonly Counter _peersRefused;

    public TlsMetrics(ProxyMetrics metrics)
    {
        var factory = Metrics.WithCustomRegistry(metrics.Registry);
        _plaintextRefused = factory.CreateCounter("mesh_inbound_plaintext_refused_total", "Plaintext connections closed because inbound mTLS is STRICT.");
        _peersRefused = factory.CreateCounter(
            "mesh_tls_peer_refused_total", "TLS handshakes refused because the peer's certificate or identity was not acceptable.", "direction", "reason");
    }

    public void PlaintextRefused() => _plaintextRefused.Inc();

    public void PeerRefused(string direction, string reason) => _peersRefused.WithLabels(direction, reason).Inc();
}
