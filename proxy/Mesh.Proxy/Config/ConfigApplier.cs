using Mesh.Api.V1;
using Mesh.Proxy.Clusters;
using Mesh.Proxy.Runtime;
using Microsoft.Extensions.Logging;

namespace Mesh.Proxy.Config;

internal sealed partial class ConfigApplier : IConfigApplier
{
    private readonly SnapshotHolder _holder;
    private readonly SnapshotBuilder _builder;
    private readonly UpstreamClientCache _clients;
    private readonly ILogger<ConfigApplier> _logger;
    private readonly Lock _applyLock = new();

    public ConfigApplier(SnapshotHolder holder, SnapshotBuilder builder, UpstreamClientCache clients, ILogger<ConfigApplier> logger)
    {
        _holder = holder;
        _builder = builder;
        _clients = clients;
        _logger = logger;
    }

    public string? CurrentVersion => _holder.Current?.Version;

    public ConfigApplyResult Apply(string version, ProxyConfig config)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(config);

        // Applies are serialized so that each build sees the snapshot it replaces (endpoint state carries over).
        lock (_applyLock)
        {
            var previous = _holder.Current;
            ProxySnapshot next;
            try
            {
                next = _builder.Build(version, config, previous);
            }
            catch (InvalidProxyConfigException ex)
            {
                // Clients the rejected build created for new clusters are not kept.
                _clients.RetainOnly(previous?.Clusters.Values.Select(c => c.Client) ?? []);
                LogRejected(version, previous?.Version, ex.Message);
                return ConfigApplyResult.Nack(previous?.Version, ex.Message);
            }

            _holder.Swap(next);

            // Only now: a rejected build must not remove the series of the config still served.
            next.RequestMetrics.RetireReplaced(previous?.RequestMetrics);
            _clients.RetainOnly(next.Clusters.Values.Select(c => c.Client));
            LogApplied(version, next.Clusters.Count, config.VirtualHosts.Count);
            return ConfigApplyResult.Ack(version);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied config {Version}: {Clusters} clusters, {VirtualHosts} virtual hosts")]
    private partial void LogApplied(string version, int clusters, int virtualHosts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected config {Version}, still serving {ServingVersion}: {Reason}")]
    private partial void LogRejected(string version, string? servingVersion, string reason);
}
