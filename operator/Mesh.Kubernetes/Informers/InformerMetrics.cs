using System.Diagnostics.Metrics;

namespace Mesh.Kubernetes.Informers;

/// <summary>What informers count: watch ERROR events and relists, by resource.</summary>
internal static class InformerMetrics
{
    public static readonly Meter Meter = new("Mesh.Kubernetes");

    public static readonly Counter<long> WatchErrors = Meter.CreateCounter<long>(
        "mesh_informer_watch_errors_total", description: "Watch ERROR events and failed list/watch requests.");

    public static readonly Counter<long> Relists = Meter.CreateCounter<long>(
        "mesh_informer_relists_total", description: "Full lists, the first one included.");
}
