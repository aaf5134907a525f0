using static Mesh.Proxy.Tests.Clusters.Http2Frames;

namespace Mesh.Proxy.Tests.Clusters;

/// <summary>The server's SETTINGS frames as the proxy's HTTP/2 client reads them under a stream limit of 2.</summary>
public sealed class Http2SettingsRewriterTests
{
    private const ushort InitialWindowSize = 0x4;

    [Fact]
    public async Task A_first_settings_frame_without_max_concurrent_streams_gets_the_limit_added()
    {
        var output = await ReadThroughAsync(2, [SettingsFrame((InitialWindowSize, 65_535))]);

        Assert.Equal(SettingsFrame((InitialWindowSize, 65_535), (MaxConcurrentStreams, 2)), output);
    }

    [Fact]
    public async Task An_empty_first_settings_frame_gets_the_limit_added()
    {
        var output = await ReadThroughAsync(2, [SettingsFrame()]);

        Assert.Equal(SettingsFrame((MaxConcurrentStreams, 2)), output);
    }

    [Fact]
    public async Task A_larger_server_limit_is_lowered_to_the_limit()
    {
        var output = await ReadThroughAsync(2, [SettingsFrame((MaxConcurrentStreams, 100), (InitialWindowSize, 1))]);

        Assert.Equal(SettingsFrame((MaxConcurrentStreams, 2), (InitialWindowSize, 1)), output);
    }

    [Fact]
    public async Task A_smaller_server_limit_is_kept()
    {
        var output = await ReadThroughAsync(2, [SettingsFrame((MaxConcurrentStreams, 1))]);

        Assert.Equal(SettingsFrame((MaxConcurrentStreams, 1)), output);
    }

    [Fact]
    public async Task A_later_settings_frame_without_the_parameter_passes_unchanged_so_an_earlier_smaller_limit_stays()
    {
        var later = SettingsFrame((InitialWindowSize, 1_000));

        var output = await ReadThroughAsync(2, [SettingsFrame((MaxConcurrentStreams, 1)), later]);

        Assert.Equal([.. SettingsFrame((MaxConcurrentStreams, 1)), .. later], output);
    }

    [Fact]
    public async Task A_later_settings_frame_raising_the_limit_is_lowered_too()
    {
        var output = await ReadThroughAsync(2, [SettingsFrame((MaxConcurrentStreams, 1)), SettingsFrame((MaxConcurrentStreams, 50))]);

        Assert.Equal([.. SettingsFrame((MaxConcurrentStreams, 1)), .. SettingsFrame((MaxConcurrentStreams, 2))], output);
    }

    [Fact]
    public async Task A_settings_frame_split_across_one_byte_reads_is_rewritten_whole()
    {
        var input = SettingsFrame((InitialWindowSize, 65_535), (MaxConcurrentStreams, 100));

        var output = await ReadThroughAsync(2, input.Select(b => new[] { b }));

        Assert.Equal(SettingsFrame((InitialWindowSize, 65_535), (MaxConcurrentStreams, 2)), output);
    }

    [Fact]
    public async Task Frames_other_than_settings_pass_byte_for_byte_in_any_chunking()
    {
        var data = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();
        byte[] input =
        [
            .. SettingsFrame((MaxConcurrentStreams, 1)),
            .. Frame(Headers, 0x4, 1, [0x88]),
            .. Frame(Data, 0x1, 1, data),
            .. Frame(Ping, 0, 0, new byte[8]),
            .. Frame(WindowUpdate, 0, 0, [0, 0, 1, 0]),
            .. Frame(GoAway, 0, 0, new byte[8]),
        ];

        var whole = await ReadThroughAsync(2, [input]);
        var bytewise = await ReadThroughAsync(2, input.Select(b => new[] { b }), () => 3);

        Assert.Equal(input, whole);
        Assert.Equal(input, bytewise);
    }

    [Fact]
    public async Task A_settings_ack_passes_unchanged()
    {
        byte[] input = [.. SettingsFrame((MaxConcurrentStreams, 1)), .. Frame(Settings, Ack, 0, [])];

        var output = await ReadThroughAsync(2, [input]);

        Assert.Equal(input, output);
    }

    [Fact]
    public async Task A_malformed_settings_frame_passes_unchanged_for_the_client_to_reject()
    {
        var input = Frame(Settings, 0, 0, [0, 3, 0, 0, 0]);

        var output = await ReadThroughAsync(2, [input]);

        Assert.Equal(input, output);
    }
}
