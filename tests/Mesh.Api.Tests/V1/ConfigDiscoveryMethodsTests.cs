using System.Buffers;
using Google.Protobuf;
using Grpc.Core;
using Mesh.Api.V1;

namespace Mesh.Api.Tests.V1;

/// <summary>
/// The method descriptors the operator binds agree with discovery.proto (the generated client's paths), and their
/// marshallers write exactly the protobuf encoding through the contextual serialization API.
/// </summary>
public sealed class ConfigDiscoveryMethodsTests
{
    [Fact]
    public void Descriptors_use_the_proto_service_and_method_paths()
    {
        Assert.Equal("/mesh.v1.ConfigDiscovery/StreamConfig", ConfigDiscoveryMethods.StreamConfig.FullName);
        Assert.Equal(MethodType.DuplexStreaming, ConfigDiscoveryMethods.StreamConfig.Type);
        Assert.Equal("/mesh.v1.ConfigDiscovery/SignCertificate", ConfigDiscoveryMethods.SignCertificate.FullName);
        Assert.Equal(MethodType.Unary, ConfigDiscoveryMethods.SignCertificate.Type);
        var proto = ConfigDiscovery.Descriptor;
        Assert.Equal(
            proto.Methods.Select(m => "/" + proto.FullName + "/" + m.Name).Order(StringComparer.Ordinal),
            new[] { ConfigDiscoveryMethods.SignCertificate.FullName, ConfigDiscoveryMethods.StreamConfig.FullName });
    }

    [Fact]
    public void Marshaller_writes_the_message_bytes_after_declaring_their_length_and_reads_them_back()
    {
        var request = new ConfigRequest
        {
            Node = new Node { Id = "default/reviews-v1-abc", Namespace = "default", Labels = { ["app"] = "reviews" } },
            VersionInfo = "v1",
            ResponseNonce = "n1",
        };
        var context = new RecordingSerializationContext();

        ConfigDiscoveryMethods.StreamConfig.RequestMarshaller.ContextualSerializer(request, context);

        Assert.Equal(request.CalculateSize(), context.DeclaredLength);
        Assert.True(context.Completed);
        Assert.Equal(request.ToByteArray(), context.Written.WrittenSpan.ToArray());
        var parsed = ConfigDiscoveryMethods.StreamConfig.RequestMarshaller.ContextualDeserializer(new BytesContext(context.Written.WrittenMemory));
        Assert.Equal(request, parsed);
    }

    private sealed class RecordingSerializationContext : SerializationContext
    {
        public int? DeclaredLength { get; private set; }

        public bool Completed { get; private set; }

        public ArrayBufferWriter<byte> Written { get; } = new();

        public override void SetPayloadLength(int payloadLength) => DeclaredLength = payloadLength;

        public override IBufferWriter<byte> GetBufferWriter() =>
            DeclaredLength is null ? throw new InvalidOperationException("the length must be declared first") : Written;

        public override void Complete() => Completed = true;
    }

    private sealed class BytesContext(ReadOnlyMemory<byte> payload) : DeserializationContext
    {
        public override int PayloadLength => payload.Length;

        public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(payload);
    }
}
