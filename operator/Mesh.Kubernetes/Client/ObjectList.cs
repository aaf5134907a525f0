namespace Mesh.Kubernetes.Client;

/// <summary>
/// One page of a list: the items, the resourceVersion the list was served at (watch from it) and the continue
/// token of the next page (null on the last page).
/// </summary>
public sealed record ObjectList<T>(IReadOnlyList<T> Items, string ResourceVersion, string? Continue);
