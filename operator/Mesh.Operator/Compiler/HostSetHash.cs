namespace Mesh.Operator.Compiler;

/// <summary>
/// The content hash of an outbound part's virtual hosts: the hash of the hashes of fixed-size runs of hosts, so that
/// a compile in which a few hosts changed rehashes only their runs (two small hashes) instead of all thousand hashes
/// of every outbound part. Immutable.
/// </summary>
internal sealed class HostSetHash
{
    // 64 hashes of 32 bytes: 2 KB per run; 1,000 hosts make 16 runs.
    private const int RunLength = 64;

    private readonly byte[][] _runs;

    private HostSetHash(byte[][] runs)
    {
        _runs = runs;
        Value = ContentHash.Combine(runs);
    }

    public byte[] Value { get; }

    public static HostSetHash Of(byte[][] hashes)
    {
        var runs = new byte[(hashes.Length + RunLength - 1) / RunLength][];
        for (var run = 0; run < runs.Length; run++)
        {
            runs[run] = Run(hashes, run);
        }

        return new HostSetHash(runs);
    }

    /// <summary>The hash of <paramref name="hashes"/>, which differ from those this was taken of only at
    /// <paramref name="changed"/> (ascending).</summary>
    public HostSetHash With(byte[][] hashes, ReadOnlySpan<int> changed)
    {
        var runs = (byte[][])_runs.Clone();
        var last = -1;
        foreach (var index in changed)
        {
            var run = index / RunLength;
            if (run != last)
            {
                runs[run] = Run(hashes, run);
                last = run;
            }
        }

        return new HostSetHash(runs);
    }

    private static byte[] Run(byte[][] hashes, int run)
    {
        var start = run * RunLength;
        return ContentHash.Combine(new ArraySegment<byte[]>(hashes, start, Math.Min(RunLength, hashes.Length - start)));
    }
}
