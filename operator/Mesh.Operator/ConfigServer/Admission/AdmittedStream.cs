using Mesh.Api.V1;
using Mesh.Operator.Identity;

namespace Mesh.Operator.ConfigServer.Admission;

/// <summary>
/// A config stream that was let in: whose it is, the node it may serve, and its stream slot, held until disposed.
/// </summary>
internal sealed class AdmittedStream(WorkloadIdentity identity, Node node, string initialVersion, IDisposable lease, NodeStreamClaims claims) : IDisposable
{
    private ProxyConnection? _connection;

    public WorkloadIdentity Identity { get; } = identity;

    /// <summary>The node as authorized: its namespace and service account are the identity's.</summary>
    public Node Node { get; } = node;

    /// <summary>The version the proxy says it already has (the first request's version_info).</summary>
    public string InitialVersion { get; } = initialVersion;

    /// <summary>Makes <paramref name="connection"/> its node's stream, ending the older stream of that node, if any.</summary>
    public void Claim(ProxyConnection connection)
    {
        _connection = connection;
        // UNAVAILABLE reaches an old stream that still works (the proxy reconnects, as after any server close); one
        // that is dead just ends, which frees its slot either way.
        claims.Take(Identity, connection)?.Abort("superseded by a newer stream from the same node", resetStream: false);
    }

    public void Dispose()
    {
        if (_connection is not null)
        {
            claims.Release(_connection);
        }

        lease.Dispose();
    }
}
