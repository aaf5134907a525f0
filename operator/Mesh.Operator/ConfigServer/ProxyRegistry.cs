using System.Collections.Concurrent;

namespace Mesh.Operator.ConfigServer;

/// <summary>The proxies connected to this replica right now.</summary>
internal sealed class ProxyRegistry
{
    private readonly ConcurrentDictionary<long, ProxyConnection> _connections = new();
    private long _nextId;

    public int Count => _connections.Count;

    public IEnumerable<ProxyConnection> Connections => _connections.Values;

    public long NextId() => Interlocked.Increment(ref _nextId);

    public void Add(ProxyConnection connection) => _connections[connection.Id] = connection;

    public void Remove(ProxyConnection connection) => _connections.TryRemove(connection.Id, out _);

    /// <summary>Statuses sorted by node id, then connection time.</summary>
    public IReadOnlyList<ProxyStatus> Statuses() =>
        _connections.Values
            .Select(connection => connection.GetStatus())
            .OrderBy(status => status.Id, StringComparer.Ordinal)
            .ThenBy(status => status.ConnectedSince)
            .ToList();

    /// <summary>The most recently connected stream of the node with this id, if any.</summary>
    public ProxyConnection? FindByNodeId(string nodeId) =>
        _connections.Values
            .Where(connection => string.Equals(connection.Node.Id, nodeId, StringComparison.Ordinal))
            .OrderByDescending(connection => connection.Id)
            .FirstOrDefault();
}
