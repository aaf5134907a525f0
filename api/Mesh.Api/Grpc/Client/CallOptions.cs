namespace Mesh.Api.Grpc;

/// <summary>Per-call settings: custom request metadata, a deadline (UTC) and a cancellation token.</summary>
public readonly record struct CallOptions(
    Metadata? Headers = null,
    DateTime? Deadline = null,
    CancellationToken CancellationToken = default);
