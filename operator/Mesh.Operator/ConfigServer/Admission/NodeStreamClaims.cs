using Mesh.Operator.Identity;

namespace Mesh.Operator.ConfigServer.Admission;

/// <summary>
/// Which stream currently serves each node id. As in Envoy's ADS, a new stream from a node supersedes its old one: a
/// proxy that reconnects before the server noticed its old connection die (a half-open TCP connection, a NAT timeout)
/// gets its new stream at once and frees the old slot, so reconnect storms do not pile up streams against the limits.
/// </summary>
internal sealed class NodeStreamClaims
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Claim> _claims = new(StringComparer.Ordinal);

    /// <summary>
    /// Records <paramref name="connection"/> as the stream of its node and returns the stream it supersedes, which the
    /// caller ends. Only a stream of the same identity is superseded: another identity may not push a node off.
    /// </summary>
    public ProxyConnection? Take(WorkloadIdentity identity, ProxyConnection connection)
    {
        lock (_gate)
        {
            var nodeId = connection.Node.Id;
            if (_claims.TryGetValue(nodeId, out var existing) && !existing.Identity.Equals(identity))
            {
                return null;
            }

            _claims[nodeId] = new Claim(identity, connection);
            return existing?.Connection;
        }
    }

    /// <summary>Forgets <paramref name="connection"/>'s claim, unless a newer stream already took it over.</summary>
    public void Release(ProxyConnection connection)
    {
        lock (_gate)
        {
            if (_claims.TryGetValue(connection.Node.Id, out var claim) && ReferenceEquals(claim.Connection, connection))
            {
                _claims.Remove(connection.Node.Id);
            }
        }
    }

    private sealed record Claim(WorkloadIdentity Identity, ProxyConnection Connection);
}
