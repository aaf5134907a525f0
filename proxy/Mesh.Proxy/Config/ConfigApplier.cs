using Mesh.Api.Delta;
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
        lock (_applyLock)
        {
            return Swap(version, config, owned: false);
        }
    }

    public ConfigApplyResult ApplyDelta(string version, ProxyConfig changes, ConfigDelta delta)
    {
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(changes);
        ArgumentNullException.ThrowIfNull(delta);
        lock (_applyLock)
        {
            var previous = _holder.Current;
            if (previous is null || !string.Equals(previous.Version, delta.BaseVersion, StringComparison.Ordinal))
            {
                var reason = $"delta.base_version: '{delta.BaseVersion}' is not the version being served ('{previous?.Version ?? "none"}')";
                LogRejected(version, previous?.Version, reason);
                return ConfigApplyResult.Nack(previous?.Version, reason);
            }

            ProxyConfig merged;
            try
            {
                merged = ProxyConfigDelta.Apply(previous.Config, changes, delta);
            }
            catch (FormatException ex)
            {
                LogRejected(version, previous.Version, ex.Message);
                return ConfigApplyResult.Nack(previous.Version, ex.Message);
            }

            // The merged config is this applier's own (its unchanged parts are the served snapshot's, never mutated).
            return Swap(version, merged, owned: true);
        }
    }

    // Applies are serialized (callers hold _applyLock) so that each build sees the snapshot it replaces: unchanged
    // clusters are kept whole, changed ones carry their endpoint state over.
    private ConfigApplyResult Swap(string version, ProxyConfig config, bool owned)
    {
        var previous = _holder.Current;
        ProxySnapshot next;
        try
        {
            next = _builder.Build(version, config, previous, owned);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied config {Version}: {Clusters} clusters, {VirtualHosts} virtual hosts")]
    private partial void LogApplied(string version, int clusters, int virtualHosts);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected config {Version}, still serving {ServingVersion}: {Reason}")]
    private partial void LogRejected(string version, string? servingVersion, string reason);
}
