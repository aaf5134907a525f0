namespace Mesh.Operator.Traffic;

/// <summary>
/// Traffic from one workload (<c>NAMESPACE/WORKLOAD</c>, the reporting proxy's namespace and source_workload) to one
/// destination service host and subset ("" when its route names none).
/// </summary>
public readonly record struct EdgeKey(string Source, string Service, string Subset);
