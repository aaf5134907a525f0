namespace Mesh.Api.Grpc;

/// <summary>Limits of the gRPC server. Configure with <c>services.AddGrpcWire(options => ...)</c>.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>4 MiB, gRPC's customary default.</summary>
    public const int DefaultMaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>
    /// The largest request message accepted, in bytes; a larger one ends the call with RESOURCE_EXHAUSTED.
    /// Null means unlimited. Default 4 MiB.
    /// </summary>
    public int? MaxReceiveMessageSize { get; set; } = DefaultMaxReceiveMessageSize;

    /// <summary>
    /// The largest response message sent, in bytes; a handler writing a larger one fails the call with
    /// RESOURCE_EXHAUSTED. Null (the default) means unlimited.
    /// </summary>
    public int? MaxSendMessageSize { get; set; }
}
