namespace Mesh.Proxy.Config;

/// <summary>How the proxy keeps its config stream to the control plane open.</summary>
public sealed class StreamConfigSourceOptions
{
    /// <summary>The first reconnect waits about this long. Default 250 ms.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Reconnect delays double up to this. Default 15 s.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(15);
}
