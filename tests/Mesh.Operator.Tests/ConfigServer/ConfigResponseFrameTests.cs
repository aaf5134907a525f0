using Mesh.Api.V1;
using Mesh.Operator.ConfigServer;

namespace Mesh.Operator.Tests.ConfigServer;

/// <summary>
/// The server's response frame is a ConfigResponse on the wire, whatever writes its config, and its marshaller
/// declares the length first so that Grpc.AspNetCore writes it straight into the response pipe.
/// </summary>
public sealed class ConfigResponseFrameTests
{
    [Fact]
    public void Serializes_to_the_ConfigResponse_with_the_same_fields()
    {
        var config = new ProxyConfig { TrustDomain = "example.org", Inbound = new InboundConfig { MtlsMode = MtlsMode.Strict } };
        config.VirtualHosts.Add(new VirtualHost { Name = "reviews.default.svc.cluster.local", Domains = { "reviews" } });
        var frame = new ConfigResponseFrame("0123456789abcdef", "7", new VersionedProxyConfig("v", config).Payload);
        var marshaller = ConfigResponseFrame.StreamConfig.ResponseMarshaller;

        var context = new RecordingSerializationContext();
        marshaller.ContextualSerializer(frame, context);

        Assert.True(context.Completed);
        Assert.Equal(context.DeclaredLength, context.Written.WrittenCount);
        Assert.Equal([context.Written.WrittenCount], context.BufferRequests);
        var parsed = ConfigResponse.Parser.ParseFrom(context.Written.WrittenSpan);
        Assert.Equal(new ConfigResponse { VersionInfo = "0123456789abcdef", Nonce = "7", Config = config }, parsed);
    }

    [Fact]
    public void An_empty_config_is_still_sent_as_present()
    {
        var frame = new ConfigResponseFrame("v", "1", new VersionedProxyConfig("v", new ProxyConfig()).Payload);

        var context = new RecordingSerializationContext();
        ConfigResponseFrame.StreamConfig.ResponseMarshaller.ContextualSerializer(frame, context);

        Assert.NotNull(ConfigResponse.Parser.ParseFrom(context.Written.WrittenSpan).Config);
    }

    [Fact]
    public void Is_served_as_the_StreamConfig_method()
    {
        Assert.Equal(ConfigDiscoveryMethods.StreamConfig.FullName, ConfigResponseFrame.StreamConfig.FullName);
        Assert.Equal(ConfigDiscoveryMethods.StreamConfig.Type, ConfigResponseFrame.StreamConfig.Type);
    }
}
