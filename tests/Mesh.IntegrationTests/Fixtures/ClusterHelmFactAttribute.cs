namespace Mesh.IntegrationTests.Fixtures;

/// <summary>A cluster test that also runs helm (<c>MESH_HELM</c>, which build/k3s-test.sh sets): skipped, with the reason, without either.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ClusterHelmFactAttribute : FactAttribute
{
    public ClusterHelmFactAttribute()
    {
        Skip = new ClusterFactAttribute().Skip
            ?? (File.Exists(Helm) ? null : "needs helm: set MESH_HELM to it (build/k3s-test.sh installs it with build/install-tools.sh)");
    }

    public static string Helm => Environment.GetEnvironmentVariable("MESH_HELM") ?? "";
}
