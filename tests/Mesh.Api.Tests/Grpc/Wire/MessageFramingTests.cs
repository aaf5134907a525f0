using System.Buffers;
using Mesh.Api.Grpc;

namespace Mesh.Api.Tests.Grpc.Wire;

public sealed class MessageFramingTests
{
    [Fact]
    public void MessageSplitAcrossSegments_IsReadWhole()
    {
        byte[] frame = [0, 0, 0, 0, 3, 7, 8, 9, 0, 0];
        var buffer = Segments(frame, 2, 4);

        Assert.True(MessageFraming.TryReadMessage(ref buffer, 100, out var message));

        Assert.Equal([7, 8, 9], message.ToArray());
        Assert.Equal(2, buffer.Length);
    }

    [Fact]
    public void IncompleteMessage_NeedsMoreData()
    {
        var buffer = new ReadOnlySequence<byte>([0, 0, 0, 0, 9, 1]);

        Assert.False(MessageFraming.TryReadMessage(ref buffer, 100, out _));
        Assert.Equal(6, buffer.Length);
    }

    [Fact]
    public void DeclaredLengthOverLimit_IsResourceExhausted()
    {
        var buffer = new ReadOnlySequence<byte>([0, 0, 0, 1, 0]);

        var error = Assert.Throws<RpcException>(() => MessageFraming.TryReadMessage(ref buffer, 255, out _));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void NonZeroCompressedFlag_IsInternal(byte flag)
    {
        var buffer = new ReadOnlySequence<byte>([flag, 0, 0, 0, 0]);

        var error = Assert.Throws<RpcException>(() => MessageFraming.TryReadMessage(ref buffer, 100, out _));
        Assert.Equal(StatusCode.Internal, error.StatusCode);
    }

    private static ReadOnlySequence<byte> Segments(byte[] bytes, params int[] cuts)
    {
        var first = new Segment(bytes.AsMemory(0, cuts[0]), 0);
        var last = first;
        var start = cuts[0];
        foreach (var cut in cuts.Skip(1).Append(bytes.Length))
        {
            last = last.Append(bytes.AsMemory(start, cut - start));
            start = cut;
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
