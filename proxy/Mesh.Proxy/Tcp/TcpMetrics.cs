using Mesh.Proxy.Telemetry;
using Prometheus;

namespace Mesh.Proxy.Tcp;

/// <summary>
/// The L4 path's metrics, Istio's TCP metrics renamed to the mesh_ prefix, in the proxy's registry, with the
/// request metrics' labels (no response code at L4): connections opened and closed, bytes each way, and connections
/// that got no upstream (<c>reason</c>: connect_failure, overflow, no_endpoint).
/// </summary>
internal sealed class TcpMetrics
{
    private static readonly string[] LabelNames = ["direction", "source_workload", "destination_service", "destination_subset", "route"];

    private readonly string _sourceWorkload;
    private readonly Counter _opened;
    private readonly Counter _closed;
    private readonly Counter _sent;
    private readonly Counter _received;
    private readonly Counter _failed;

    public TcpMetrics(IMetricFactory factory, string sourceWorkload)
    {
        _sourceWorkload = sourceWorkload;
        _opened = factory.CreateCounter("mesh_tcp_connections_opened_total", "L4 connections opened to an upstream.", LabelNames);
        _closed = factory.CreateCounter("mesh_tcp_connections_closed_total", "L4 connections closed after being opened.", LabelNames);
        _sent = factory.CreateCounter("mesh_tcp_sent_bytes_total", "Bytes sent to the downstream client (the upstream's response bytes) on L4 connections.", LabelNames);
        _received = factory.CreateCounter("mesh_tcp_received_bytes_total", "Bytes received from the downstream client (forwarded upstream) on L4 connections.", LabelNames);
        _failed = factory.CreateCounter("mesh_tcp_connections_failed_total", "L4 connections that got no upstream connection, by reason.", [.. LabelNames, "reason"]);
    }

    /// <summary>The series of one route to one destination, bound once per snapshot.</summary>
    public TcpSeries Series(string destinationService, string destinationSubset, string route)
    {
        string[] labels = [ProxyMetrics.Outbound, _sourceWorkload, destinationService, destinationSubset, route];
        return new TcpSeries(_opened.WithLabels(labels), _closed.WithLabels(labels), _sent.WithLabels(labels), _received.WithLabels(labels), _failed, labels);
    }
}

/// <summary>Pre-bound counters of one route and destination: adding to them on the byte path looks nothing up.</summary>
internal sealed class TcpSeries(Counter.Child opened, Counter.Child closed, Counter.Child sent, Counter.Child received, Counter failed, string[] labels)
{
    public Counter.Child Opened { get; } = opened;

    public Counter.Child Closed { get; } = closed;

    public Counter.Child Sent { get; } = sent;

    public Counter.Child Received { get; } = received;

    public void Failed(string reason) => failed.WithLabels([.. labels, reason]).Inc();
}
