using System.Buffers;

namespace Mesh.Operator.ConfigServer;

/// <summary>An <see cref="IBufferWriter{T}"/> over one buffer of known size; writing past its end is a bug.</summary>
internal sealed class FixedBufferWriter(Memory<byte> buffer) : IBufferWriter<byte>
{
    public int Written { get; private set; }

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, buffer.Length - Written);
        Written += count;
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => Remaining(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => Remaining(sizeHint).Span;

    private Memory<byte> Remaining(int sizeHint)
    {
        var remaining = buffer[Written..];
        return sizeHint <= remaining.Length
            ? remaining
            : throw new InvalidOperationException($"{sizeHint} bytes asked for with {remaining.Length} left of a {buffer.Length}-byte buffer");
    }
}
