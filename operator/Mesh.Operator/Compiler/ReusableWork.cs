namespace Mesh.Operator.Compiler;

/// <summary>
/// The work of a compile that the next compile takes over where its inputs are unchanged: the validation of the mesh
/// resources, the route templates, and the reports with the results made from them.
/// </summary>
internal sealed record ReusableWork(ValidatedResources Validated, RouteTables Routes, CompileOutcomes Outcomes);
