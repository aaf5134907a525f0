using System.Buffers.Binary;
using System.Text;
using Mesh.Proxy.Clusters;
using static Mesh.Proxy.Tests.Clusters.Http2Frames;

namespace Mesh.Proxy.Tests.Clusters;

/// <summary>The stream an upstream HTTP/2 connection with a stream limit is read and written through.</summary>
public sealed class Http2StreamLimitStreamTests
{
    private const uint Limit = 3;

    private static readonly byte[] Magic = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

    [Fact]
    public async Task A_whole_client_preface_goes_before_the_server_preface_is_read_and_the_client_magic_reaches_the_server_once()
    {
        var clientSettings = SettingsFrame((0x2, 0));
        var connection = new ChunkedConnection([SettingsFrame(), Frame(Ping, 0, 0, new byte[8])]);
        await using var limited = new Http2StreamLimitStream(connection, Limit);

        await limited.ReadServerPrefaceAsync(CancellationToken.None);
        var sentBeforeClient = connection.Written.ToArray();
        await limited.WriteAsync((byte[])[.. Magic, .. clientSettings]);
        var buffer = new byte[64];
        var read = await limited.ReadAsync(buffer);

        Assert.Equal([.. Magic, .. SettingsFrame()], sentBeforeClient);
        Assert.Equal([.. Magic, .. SettingsFrame(), .. clientSettings], connection.Written.ToArray());
        Assert.Equal(SettingsFrame((MaxConcurrentStreams, Limit)), buffer[..read]);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(1_000)]
    public async Task The_servers_ack_of_the_own_settings_is_hidden_and_the_ack_of_the_clients_reaches_it(int chunkSize)
    {
        var ack = Frame(Settings, Ack, 0, []);
        var ping = Frame(Ping, 0, 0, new byte[8]);
        byte[] server = [.. SettingsFrame(), .. ack, .. ping, .. ack];

        var output = await ReadAfterPrefaceAsync(server.Chunk(chunkSize));

        Assert.Equal([.. SettingsFrame((MaxConcurrentStreams, Limit)), .. ping, .. ack], output);
    }

    [Fact]
    public async Task A_malformed_settings_ack_is_not_taken_for_the_ack_of_the_own_settings()
    {
        var malformed = Frame(Settings, Ack, 0, [0, 3, 0, 0, 0, 1]);
        var ack = Frame(Settings, Ack, 0, []);

        var output = await ReadAfterPrefaceAsync([[.. SettingsFrame(), .. malformed, .. ack, .. ack]]);

        Assert.Equal([.. SettingsFrame((MaxConcurrentStreams, Limit)), .. malformed, .. ack], output);
    }

    /// <summary>
    /// 2,000 random frame sequences (fixed seeds), each read in random chunks into random-sized buffers, half of them
    /// after the stream's own preface, against a rewrite of the whole sequence at once.
    /// </summary>
    [Fact]
    public async Task Random_frame_sequences_in_random_chunkings_read_as_the_whole_sequence_rewritten_at_once()
    {
        for (var seed = 0; seed < 2_000; seed++)
        {
            var random = new Random(seed);
            var input = RandomFrames(random);
            var chunks = new List<byte[]>();
            for (var at = 0; at < input.Length;)
            {
                var size = Math.Min(random.Next(1, 40), input.Length - at);
                chunks.Add(input[at..(at + size)]);
                at += size;
            }

            var prefaced = random.Next(2) == 0;
            var output = prefaced
                ? await ReadAfterPrefaceAsync(chunks, () => random.Next(1, 70))
                : await ReadThroughAsync(Limit, chunks, () => random.Next(1, 70));

            Assert.True(Reference(input, prefaced).AsSpan().SequenceEqual(output), $"seed {seed}");
        }
    }

    /// <summary>Everything <paramref name="chunks"/> hold, read through a limit after the stream has sent its own preface.</summary>
    private static async Task<byte[]> ReadAfterPrefaceAsync(IEnumerable<byte[]> chunks, Func<int>? readSize = null)
    {
        await using var limited = new Http2StreamLimitStream(new ChunkedConnection(chunks), Limit);
        await limited.ReadServerPrefaceAsync(CancellationToken.None);
        return await ReadToEndAsync(limited, readSize);
    }

    private static byte[] RandomFrames(Random random)
    {
        var frames = new List<byte>();
        for (var count = random.Next(1, 12); count > 0; count--)
        {
            byte[] frame;
            var kind = random.Next(5);
            if (kind < 2)
            {
                var parameters = Enumerable.Range(0, random.Next(0, 5))
                    .Select(_ => ((ushort)random.Next(1, 7), (uint)random.Next(0, 10)))
                    .ToArray();
                frame = SettingsFrame(parameters);
            }
            else if (kind == 2)
            {
                frame = Frame(Settings, Ack, 0, []);
            }
            else
            {
                var payload = new byte[random.Next(0, 60)];
                random.NextBytes(payload);
                frame = Frame((byte)random.Next(0, 10), (byte)random.Next(0, 256), (uint)random.Next(0, 9), payload);
            }

            frames.AddRange(frame);
        }

        return [.. frames];
    }

    /// <summary>The rewrite, frame by frame over the whole sequence; after the own preface, less the first well-formed SETTINGS ACK.</summary>
    private static byte[] Reference(byte[] input, bool prefaced)
    {
        var output = new List<byte>();
        var firstSettings = true;
        var hideAck = prefaced;
        for (var at = 0; at < input.Length;)
        {
            var length = (input[at] << 16) | (input[at + 1] << 8) | input[at + 2];
            var frame = input[at..(at + 9 + length)];
            at += frame.Length;
            if (hideAck && frame[3] == Settings && (frame[4] & Ack) != 0 && length == 0 && (BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(5)) & 0x7FFFFFFF) == 0)
            {
                hideAck = false;
                continue;
            }

            if (frame[3] != Settings || (frame[4] & Ack) != 0 || length % 6 != 0)
            {
                output.AddRange(frame);
                continue;
            }

            var parameters = new List<(ushort Id, uint Value)>();
            for (var p = 9; p < frame.Length; p += 6)
            {
                var id = BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(p));
                var value = BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(p + 2));
                parameters.Add((id, id == MaxConcurrentStreams ? Math.Min(value, Limit) : value));
            }

            if (firstSettings && !parameters.Any(p => p.Id == MaxConcurrentStreams))
            {
                parameters.Add((MaxConcurrentStreams, Limit));
            }

            firstSettings = false;
            var rewritten = SettingsFrame([.. parameters]);

            // Flags and stream id as the server sent them, should they be odd: the client judges them.
            frame.AsSpan(4, 5).CopyTo(rewritten.AsSpan(4));
            output.AddRange(rewritten);
        }

        return [.. output];
    }
}
