using Mesh.Api.V1;
using Mesh.Proxy.Hosting;
using Mesh.Proxy.Runtime;

namespace Mesh.Proxy.Tls;

/// <summary>
/// The inbound mTLS mode in force for a new connection, read from the snapshot being served. The operator has
/// already resolved workload → namespace → root namespace; unset (and no config yet) is PERMISSIVE. Per-port
/// overrides are keyed by the workload's port, which is the app port the inbound listener forwards to.
/// </summary>
internal sealed class InboundMtlsPolicy
{
    private readonly SnapshotHolder _snapshots;
    private readonly uint _appPort;

    public InboundMtlsPolicy(SnapshotHolder snapshots, ProxyOptions options)
    {
        _snapshots = snapshots;
        _appPort = (uint)(options.AppPort ?? 0);
    }

    public MtlsMode Current
    {
        get
        {
            var inbound = _snapshots.Current?.Config.Inbound;
            if (inbound is null)
            {
                return MtlsMode.Permissive;
            }

            return inbound.PortMtls.TryGetValue(_appPort, out var mode) ? mode : inbound.MtlsMode;
        }
    }
}
