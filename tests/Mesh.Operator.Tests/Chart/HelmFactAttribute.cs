namespace Mesh.Operator.Tests.Chart;

/// <summary>
/// A test that runs the real helm and the schema peers under node: skipped, with the reason, when either is missing
/// (build/test.sh installs both, so in CI these tests run).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class HelmFactAttribute : FactAttribute
{
    public HelmFactAttribute()
    {
        Skip = MissingReason;
    }

    public static string? MissingReason =>
        Helm.Executable is null ? "needs helm: run build/install-tools.sh (build/test.sh does) or set MESH_HELM"
        : !KubeSchemas.Installed ? $"needs node and {KubeSchemas.Folder}/node_modules (build/test.sh runs npm ci there)"
        : null;
}

/// <summary>The theory form of <see cref="HelmFactAttribute"/>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class HelmTheoryAttribute : TheoryAttribute
{
    public HelmTheoryAttribute()
    {
        Skip = HelmFactAttribute.MissingReason;
    }
}
