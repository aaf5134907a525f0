namespace Mesh.Api.Telemetry;

/// <summary>One label combination's value (counter, gauge) or sum and buckets (histogram).</summary>
internal sealed class MetricSeries(int bucketCount)
{
    private readonly long[] _buckets = new long[bucketCount];
    private double _value;

    public double Value => Volatile.Read(ref _value);

    public long BucketCount(int index) => Interlocked.Read(ref _buckets[index]);

    public void Set(double value) => Volatile.Write(ref _value, value);

    public void Add(double value)
    {
        double current, next;
        do
        {
            current = Volatile.Read(ref _value);
            next = current + value;
        }
        while (Interlocked.CompareExchange(ref _value, next, current) != current);
    }

    public void Observe(double value, double[] bounds)
    {
        var index = Array.BinarySearch(bounds, value);
        Interlocked.Increment(ref _buckets[index >= 0 ? index : ~index]);
        Add(value);
    }
}
