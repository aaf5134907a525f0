using Mesh.Testing;

namespace Mesh.Operator.Tests;

/// <summary>Locates files of the repository (examples, CRDs, golden files) from the test's output folder.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot => RepositoryPaths.Root;

    public static string TestProject => Path.Combine(RepositoryRoot, "tests", "Mesh.Operator.Tests");

    public static string InRepository(params string[] parts) => RepositoryPaths.Combine(parts);

    public static string TestData(string file) => Path.Combine(AppContext.BaseDirectory, "TestData", file);
}
