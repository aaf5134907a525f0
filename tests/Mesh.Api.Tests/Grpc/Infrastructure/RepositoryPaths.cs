namespace Mesh.Api.Tests.Grpc.Infrastructure;

/// <summary>Locates files of the repository from the test binaries (walks up to Mesh.sln).</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string GrpcJsPeer => Path.Combine(Root, "tests", "Mesh.Api.Tests", "peers", "grpc-js");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Mesh.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Mesh.sln not found above {AppContext.BaseDirectory}.");
    }
}
