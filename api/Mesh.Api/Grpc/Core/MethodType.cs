namespace Mesh.Api.Grpc;

/// <summary>How many messages each side of a method sends.</summary>
public enum MethodType
{
    /// <summary>One request, one response.</summary>
    Unary,

    /// <summary>A stream of requests, one response.</summary>
    ClientStreaming,

    /// <summary>One request, a stream of responses.</summary>
    ServerStreaming,

    /// <summary>Both sides stream independently.</summary>
    DuplexStreaming,
}
