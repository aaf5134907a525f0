namespace Mesh.Operator.Ui;

/// <summary>How the dashboard colours an edge by its success rate (Kiali's defaults: any error degrades, 20% fails).</summary>
internal static class Health
{
    /// <summary>Below this success percent an edge is failing (red).</summary>
    public const double FailingBelow = 80;

    /// <summary>Below this success percent an edge is degraded (amber).</summary>
    public const double DegradedBelow = 99.9;

    public static string Of(double? successPercent) => successPercent switch
    {
        null => "idle",
        < FailingBelow => "failing",
        < DegradedBelow => "degraded",
        _ => "healthy",
    };
}
