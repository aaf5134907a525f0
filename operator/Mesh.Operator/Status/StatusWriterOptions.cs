namespace Mesh.Operator.StatusWriting;

/// <summary>How status conditions are written back onto the mesh resources.</summary>
public sealed class StatusWriterOptions
{
    /// <summary>Concurrent writes; one slow or failing object never holds up the others. Default: 2.</summary>
    public int Workers { get; set; } = 2;
}
