using Mesh.Proxy.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Tests.Telemetry;

/// <summary>Runs alone: an in-process proxy with an exporter (Hosting/TracingTests) listens to the proxy's ActivitySource.</summary>
[CollectionDefinition(nameof(NoSpanListener), DisableParallelization = true)]
public sealed class NoSpanListener;

/// <summary>Tracing off (no exporter configured) costs the request path nothing: no span, no allocation, no header change.</summary>
[Collection(nameof(NoSpanListener))]
public sealed class TracingOffAllocationTests
{
    private const string TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private const string B3 = "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1";

    [Fact]
    public void Without_an_exporter_a_hop_makes_no_span_allocates_nothing_and_leaves_the_callers_headers()
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.TraceParent = TraceParent;
        context.Request.Headers["b3"] = B3;
        using var request = new HttpRequestMessage();
        request.Headers.TryAddWithoutValidation("traceparent", TraceParent);
        request.Headers.TryAddWithoutValidation("b3", B3);
        Assert.False(ProxyTracing.Source.HasListeners());
        Run(context, request);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var spans = Run(context, request);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal((0, 0L), (spans, allocated));
        Assert.Equal((TraceParent, B3), (Assert.Single(request.Headers.GetValues("traceparent")), Assert.Single(request.Headers.GetValues("b3"))));
    }

    // What each proxied request does for tracing: start the hop on the listener, write the upstream request's headers.
    private static int Run(HttpContext context, HttpRequestMessage request)
    {
        var spans = 0;
        for (var i = 0; i < 1_000; i++)
        {
            using var activity = ProxyTracing.StartHop(context, ProxyMetrics.Outbound, "reviews.default.svc.cluster.local");
            ProxyTracing.Inject(activity, request);
            spans += activity is null ? 0 : 1;
        }

        return spans;
    }
}
