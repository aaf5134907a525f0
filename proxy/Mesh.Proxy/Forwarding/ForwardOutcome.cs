namespace Mesh.Proxy.Forwarding;

/// <summary>What forwarding did, for metrics and the access log.</summary>
internal sealed class ForwardOutcome
{
    public string? UpstreamHost { get; set; }

    public int Attempts { get; set; }
}
