namespace Mesh.Operator.Tests;

/// <summary>Locates files of the repository (examples, CRDs, golden files) from the test's output folder.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string TestProject => Path.Combine(RepositoryRoot, "tests", "Mesh.Operator.Tests");

    public static string InRepository(params string[] parts) => Path.Combine([RepositoryRoot, .. parts]);

    public static string TestData(string file) => Path.Combine(AppContext.BaseDirectory, "TestData", file);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Mesh.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Mesh.sln not found above " + AppContext.BaseDirectory);
    }
}
