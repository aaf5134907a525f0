using Mesh.Api.Grpc;

namespace Mesh.Api.V1;

/// <summary>The methods of <c>mesh.v1.ConfigDiscovery</c> (discovery.proto), for the server and the client.</summary>
public static class ConfigDiscoveryMethods
{
    public const string ServiceName = "mesh.v1.ConfigDiscovery";

    /// <summary><c>rpc StreamConfig(stream ConfigRequest) returns (stream ConfigResponse)</c>.</summary>
    public static readonly Method<ConfigRequest, ConfigResponse> StreamConfig = new(
        MethodType.DuplexStreaming,
        ServiceName,
        "StreamConfig",
        Marshallers.ForProtobuf(ConfigRequest.Parser),
        Marshallers.ForProtobuf(ConfigResponse.Parser));

    /// <summary><c>rpc SignCertificate(SignCertificateRequest) returns (SignCertificateResponse)</c>.</summary>
    public static readonly Method<SignCertificateRequest, SignCertificateResponse> SignCertificate = new(
        MethodType.Unary,
        ServiceName,
        "SignCertificate",
        Marshallers.ForProtobuf(SignCertificateRequest.Parser),
        Marshallers.ForProtobuf(SignCertificateResponse.Parser));
}
