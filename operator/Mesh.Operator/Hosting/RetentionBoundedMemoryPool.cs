using System.Buffers;
using System.Collections.Concurrent;

namespace Mesh.Operator.Hosting;

/// <summary>
/// Kestrel's buffers (4 KiB blocks, as its own pool's) with a bound on how many free blocks are kept. Kestrel's pool
/// keeps every block it ever handed out and gives back only 1-5% of its free blocks every 10 s, so after thousands of
/// connections went away their buffers stayed resident for many minutes. Here a block returned while the pool already
/// holds its limit is left to the garbage collector. Blocks are ordinary (unpinned) arrays, pinned only during I/O, so
/// a collection can compact what remains and return whole regions to the system.
/// </summary>
internal sealed class RetentionBoundedMemoryPool(int maxRetainedBlocks) : MemoryPool<byte>
{
    public const int BlockSize = 4096;

    private readonly ConcurrentQueue<Block> _free = new();
    private int _freeCount;

    public override int MaxBufferSize => BlockSize;

    /// <summary>Free blocks kept for reuse now.</summary>
    public int RetainedBlocks => Volatile.Read(ref _freeCount);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _freeCount);
            block.Leased = true;
            return block;
        }

        return new Block(this);
    }

    protected override void Dispose(bool disposing)
    {
        while (_free.TryDequeue(out _))
        {
        }
    }

    private void Return(Block block)
    {
        if (Interlocked.Increment(ref _freeCount) <= maxRetainedBlocks)
        {
            _free.Enqueue(block);
        }
        else
        {
            Interlocked.Decrement(ref _freeCount);
        }
    }

    private sealed class Block(RetentionBoundedMemoryPool pool) : IMemoryOwner<byte>
    {
        private readonly byte[] _array = GC.AllocateUninitializedArray<byte>(BlockSize);

        public bool Leased { get; set; } = true;

        public Memory<byte> Memory => _array;

        public void Dispose()
        {
            // A block disposed twice must not enter the pool twice (two owners of one buffer).
            if (Leased)
            {
                Leased = false;
                pool.Return(this);
            }
        }
    }
}
