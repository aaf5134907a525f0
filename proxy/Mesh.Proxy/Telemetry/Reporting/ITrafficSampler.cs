using Mesh.Api.V1;

namespace Mesh.Proxy.Telemetry.Reporting;

/// <summary>Summarizes the proxy's outbound traffic since the previous sample.</summary>
internal interface ITrafficSampler
{
    /// <summary>The traffic since the previous call; null on the first call, which only takes the baseline.</summary>
    Task<TrafficReport?> SampleAsync(CancellationToken cancellationToken);
}
