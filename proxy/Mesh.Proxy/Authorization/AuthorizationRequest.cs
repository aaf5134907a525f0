namespace Mesh.Proxy.Authorization;

/// <summary>What a request is authorized on: who sent it, and the operation it asks for.</summary>
/// <param name="Peer">The verified peer; null on a plaintext connection.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Path">The normalized path without the query.</param>
/// <param name="Port">The port the request is for (the workload's port, not the proxy's listener).</param>
internal readonly record struct AuthorizationRequest(PeerIdentity? Peer, string Method, string Path, int Port);
