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

    public static HostSetHash Of(HashedVirtualHost[] hosts)
    {
        var runs = new byte[(hosts.Length + RunLength - 1) / RunLength][];
        for (var run = 0; run < runs.Length; run++)
        {
            runs[run] = Run(hosts, run);
        }

        return new HostSetHash(runs);
    }

    /// <summary>The hash of <paramref name="hosts"/>, which differ from those this was taken of only at
    /// <paramref name="changed"/> (ascending).</summary>
    public HostSetHash With(HashedVirtualHost[] hosts, ReadOnlySpan<int> changed)
    {
        var runs = (byte[][])_runs.Clone();
        var last = -1;
        foreach (var index in changed)
        {
            var run = index / RunLength;
            if (run != last)
            {
                runs[run] = Run(hosts, run);
                last = run;
            }
        }

        return new HostSetHash(runs);
    }

    private static byte[] Run(HashedVirtualHost[] hosts, int run)
    {
        var start = run * RunLength;
        var hashes = new byte[Math.Min(RunLength, hosts.Length - start)][];
        for (var i = 0; i < hashes.Length; i++)
        {
            hashes[i] = hosts[start + i].Hash;
        }

        return ContentHash.Combine(hashes);
    }
}
