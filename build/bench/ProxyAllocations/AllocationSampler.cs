using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Mesh.Bench.ProxyAllocations;

/// <summary>
/// Counts the runtime's allocation samples (GCAllocationTick: one per ~100 KB allocated, naming the type whose
/// allocation crossed the mark) by type, so the types that make up a request's bytes can be ranked.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const int GcAllocationTick = 10;
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private readonly ConcurrentDictionary<string, int> _samples = new(StringComparer.Ordinal);

    public IEnumerable<KeyValuePair<string, int>> Top(int count) =>
        _samples.OrderByDescending(s => s.Value).Take(count);

    public void Reset() => _samples.Clear();

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventId != GcAllocationTick || eventData.PayloadNames is not { } names)
        {
            return;
        }

        var index = names.IndexOf("TypeName");
        if (index >= 0 && eventData.Payload?[index] is string type)
        {
            _samples.AddOrUpdate(type, 1, static (_, n) => n + 1);
        }
    }
}
