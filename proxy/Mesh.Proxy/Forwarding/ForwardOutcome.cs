namespace Mesh.Proxy.Forwarding;

/// <summary>What forwarding did, for metrics and the access log.</summary>
internal sealed class ForwardOutcome
{
    public string? UpstreamHost { get; set; }

    public int Attempts { get; set; }

    /// <summary>Envoy's response flag when the proxy, not the upstream, decided the outcome (e.g. <c>DC</c>).</summary>
    public string? ResponseFlags { get; set; }

    public string? ResponseCodeDetails { get; set; }
}
