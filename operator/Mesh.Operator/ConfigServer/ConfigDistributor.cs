using Mesh.Operator.Telemetry;
using Microsoft.Extensions.Logging;

namespace Mesh.Operator.ConfigServer;

/// <summary>
/// Holds the current compiled mesh and hands every connected proxy its config: the whole snapshot on connect, and
/// on every publication only to the proxies whose config version changed.
/// </summary>
internal sealed partial class ConfigDistributor : IConfigPublisher
{
    private readonly ProxyRegistry _registry;
    private readonly ConvergenceTracker _convergence;
    private readonly OperatorMetrics _metrics;
    private readonly ServingState _serving;
    private readonly ILogger<ConfigDistributor> _logger;
    private MeshConfigSnapshot? _current;

    public ConfigDistributor(ProxyRegistry registry, ConvergenceTracker convergence, OperatorMetrics metrics, ServingState serving, ILogger<ConfigDistributor> logger)
    {
        _serving = serving;
        _registry = registry;
        _convergence = convergence;
        _metrics = metrics;
        _logger = logger;
    }

    public MeshConfigSnapshot? Current => Volatile.Read(ref _current);

    public void Publish(MeshConfigSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Volatile.Write(ref _current, snapshot);

        // A connection that registers while this loop runs reads the new snapshot itself; Offer ignores whichever
        // of the two pushes carries an older generation, so no proxy can go backwards.
        var pushed = new List<long>();
        foreach (var connection in _registry.Connections)
        {
            if (Offer(connection, snapshot) == PushOutcome.Queued)
            {
                pushed.Add(connection.Id);
            }
        }

        _convergence.Pushed(snapshot.Generation, snapshot.ChangeSeenAt, pushed);
        _serving.MarkPublished();
        LogPublished(snapshot.Generation, pushed.Count, _registry.Count);
    }

    /// <summary>Registers a new stream and queues the current config for it, if there is one yet.</summary>
    public void Connect(ProxyConnection connection)
    {
        _registry.Add(connection);
        if (Current is { } snapshot && Offer(connection, snapshot) == PushOutcome.Queued)
        {
            _convergence.Pushed(snapshot.Generation, snapshot.ChangeSeenAt, [connection.Id]);
        }
    }

    public void Disconnect(ProxyConnection connection)
    {
        _registry.Remove(connection);
        _convergence.Disconnected(connection.Id);
    }

    /// <summary>The config the node would get from the current snapshot, for <c>/debug/config</c>.</summary>
    public VersionedProxyConfig? Preview(Api.V1.Node node) => Current?.Generator.Generate(node);

    private PushOutcome Offer(ProxyConnection connection, MeshConfigSnapshot snapshot)
    {
        VersionedProxyConfig config;
        try
        {
            config = snapshot.Generator.Generate(connection.Node);
        }
        catch (Exception ex)
        {
            // A bug generating one proxy's config must not stop the others getting theirs.
            _metrics.ReconcileError("generate");
            LogGenerateFailed(ex, connection.Node.Id, snapshot.Generation);
            return PushOutcome.Unchanged;
        }

        var outcome = connection.Offer(config, snapshot.Generation);
        if (outcome == PushOutcome.Overflowed)
        {
            _metrics.PushDropped(connection.NextIsDelta);
            LogSlowProxyDropped(connection.Node.Id);
        }

        return outcome;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published generation {Generation}: {Pushed} of {Connected} proxies changed")]
    private partial void LogPublished(long generation, int pushed, int connected);

    [LoggerMessage(Level = LogLevel.Error, Message = "Compiling the config of proxy {ProxyId} for generation {Generation} failed")]
    private partial void LogGenerateFailed(Exception exception, string proxyId, long generation);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxy {ProxyId} is not reading its config stream; disconnecting it so it reconnects for a fresh snapshot")]
    private partial void LogSlowProxyDropped(string proxyId);
}
