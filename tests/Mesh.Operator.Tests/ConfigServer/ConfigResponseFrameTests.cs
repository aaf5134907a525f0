using System.Buffers;
using Mesh.Api.V1;
using Mesh.Operator.ConfigServer;

namespace Mesh.Operator.Tests.ConfigServer;

/// <summary>The server's response frame is a ConfigResponse on the wire, whatever writes its config.</summary>
public sealed class ConfigResponseFrameTests
{
    [Fact]
    public void Serializes_to_the_ConfigResponse_with_the_same_fields()
    {
        var config = new ProxyConfig { TrustDomain = "example.org", Inbound = new InboundConfig { MtlsMode = MtlsMode.Strict } };
        config.VirtualHosts.Add(new VirtualHost { Name = "reviews.default.svc.cluster.local", Domains = { "reviews" } });
        var frame = new ConfigResponseFrame("0123456789abcdef", "7", new VersionedProxyConfig("v", config).Payload);
        var marshaller = ConfigResponseFrame.StreamConfig.ResponseMarshaller;

        var written = new ArrayBufferWriter<byte>();
        marshaller.Serialize(frame, written);

        Assert.Equal(marshaller.CalculateSize(frame), written.WrittenCount);
        var parsed = ConfigResponse.Parser.ParseFrom(written.WrittenSpan);
        Assert.Equal(new ConfigResponse { VersionInfo = "0123456789abcdef", Nonce = "7", Config = config }, parsed);
    }

    [Fact]
    public void An_empty_config_is_still_sent_as_present()
    {
        var frame = new ConfigResponseFrame("v", "1", new VersionedProxyConfig("v", new ProxyConfig()).Payload);

        var written = new ArrayBufferWriter<byte>();
        ConfigResponseFrame.StreamConfig.ResponseMarshaller.Serialize(frame, written);

        Assert.NotNull(ConfigResponse.Parser.ParseFrom(written.WrittenSpan).Config);
    }

    [Fact]
    public void Is_served_as_the_StreamConfig_method()
    {
        Assert.Equal(ConfigDiscoveryMethods.StreamConfig.FullName, ConfigResponseFrame.StreamConfig.FullName);
        Assert.Equal(ConfigDiscoveryMethods.StreamConfig.Type, ConfigResponseFrame.StreamConfig.Type);
    }
}
