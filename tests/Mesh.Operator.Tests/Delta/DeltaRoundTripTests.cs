using System.Buffers;
using System.Security.Cryptography;
using Google.Protobuf;
using Mesh.Api.Delta;
using Mesh.Api.V1;
using Mesh.Operator.ConfigServer;
using Mesh.Operator.Delta;

namespace Mesh.Operator.Tests.Delta;

/// <summary>
/// Deltas as the server writes them, parsed by the generated parser and applied by the proxy's code, rebuild the
/// whole config byte for byte after any sequence of changes.
/// </summary>
public sealed class DeltaRoundTripTests
{
    [Fact]
    public void Any_sequence_of_changes_applied_as_deltas_equals_the_whole_config_byte_for_byte()
    {
        var seed = Environment.TickCount;
        var deltas = 0;
        for (var sequence = 0; sequence < 300; sequence++)
        {
            var random = new Random(seed + sequence);
            var configs = new RandomConfigs(random);
            var expected = configs.Initial();
            var server = ProxyResources.FromMessage(Version(expected), expected);
            var proxy = Receive(Frame(server, expected, null), null);
            var history = new List<string>();
            for (var step = 0; step < 25; step++)
            {
                (expected, var edits) = configs.Edit(expected);
                history.Add(edits);
                var next = ProxyResources.FromMessage(Version(expected), expected);
                var delta = next.DeltaFrom(server);
                deltas += delta is null ? 0 : 1;
                proxy = Receive(Frame(next, expected, delta), proxy);
                server = next;

                if (!proxy.ToByteArray().AsSpan().SequenceEqual(expected.ToByteArray()))
                {
                    Assert.Fail($"seed {seed + sequence} (Random seed of sequence {sequence}), step {step}: the rebuilt config differs " +
                        $"from the whole config after: {string.Join(" | ", history)}");
                }
            }
        }

        // Most steps change a little of a config: they must go out as deltas, or this test proves nothing.
        Assert.True(deltas > 300 * 25 / 2, $"only {deltas} of {300 * 25} responses were deltas (seed {seed})");
    }

    [Fact]
    public void A_config_whose_names_are_not_sorted_is_sent_whole()
    {
        var before = new ProxyConfig { VirtualHosts = { new VirtualHost { Name = "b" }, new VirtualHost { Name = "a" } } };
        var after = before.Clone();
        after.VirtualHosts[0].Domains.Add("b:80");

        var delta = ProxyResources.FromMessage("2", after).DeltaFrom(ProxyResources.FromMessage("1", before));

        Assert.Null(delta);
    }

    [Fact]
    public void An_unchanged_config_gives_a_delta_with_nothing_but_the_scalars()
    {
        var config = new RandomConfigs(new Random(7)).Initial();

        var delta = ProxyResources.FromMessage("2", config).DeltaFrom(ProxyResources.FromMessage("1", config));

        Assert.NotNull(delta);
        Assert.Equal(0, delta.ChangedResources);
        Assert.Equal(0, delta.RemovedResources);
        var parsed = ConfigResponse.Parser.ParseFrom(Serialize(new ConfigResponseFrame("2", "1", delta, delta.DeltaField)));
        Assert.Equal("1", parsed.Delta.BaseVersion);
        Assert.Empty(parsed.Config.VirtualHosts);
        Assert.Empty(parsed.Config.Clusters);
        Assert.Null(parsed.Config.Inbound);
    }

    internal static ProxyConfig Receive(byte[] wire, ProxyConfig? current)
    {
        var response = ConfigResponse.Parser.ParseFrom(wire);
        return response.Delta is null ? response.Config : ProxyConfigDelta.Apply(current!, response.Config, response.Delta);
    }

    internal static byte[] Frame(ProxyResources resources, ProxyConfig whole, DeltaPayload? delta) =>
        Serialize(delta is null
            ? new ConfigResponseFrame(resources.Version, "n", new MessagePayload(whole, resources.Version))
            : new ConfigResponseFrame(resources.Version, "n", delta, delta.DeltaField));

    internal static byte[] Serialize(ConfigResponseFrame frame)
    {
        var writer = new ArrayBufferWriter<byte>();
        frame.WriteTo(writer);
        Assert.Equal(frame.CalculateSize(), writer.WrittenCount);
        return writer.WrittenSpan.ToArray();
    }

    private static string Version(ProxyConfig config) => Convert.ToHexStringLower(SHA256.HashData(config.ToByteArray()))[..16];
}
