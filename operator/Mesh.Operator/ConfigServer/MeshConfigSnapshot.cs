namespace Mesh.Operator.ConfigServer;

/// <summary>
/// One compiled state of the mesh, published whole after every recompile.
/// </summary>
/// <param name="Generation">Increases with every publication; a proxy never goes back to an older one.</param>
/// <param name="ChangeSeenAt">When the first change folded into this generation was observed; convergence is
/// measured from here to the last affected proxy's ACK.</param>
/// <param name="Generator">Produces each proxy's config of this generation.</param>
public sealed record MeshConfigSnapshot(long Generation, DateTimeOffset ChangeSeenAt, IProxyConfigGenerator Generator);
