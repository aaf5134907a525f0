namespace Mesh.Api.Grpc;

/// <summary>
/// A call ended with a non-OK status. Thrown by clients when the peer reports an error, and thrown by server
/// handlers to end a call with that status (its <see cref="Trailers"/> are sent as response trailers).
/// </summary>
public sealed class RpcException : Exception
{
    public RpcException(Status status)
        : this(status, new Metadata())
    {
    }

    public RpcException(Status status, Metadata trailers)
        : base(status.ToString())
    {
        ArgumentNullException.ThrowIfNull(trailers);
        Status = status;
        Trailers = trailers;
    }

    public RpcException(Status status, Metadata trailers, Exception innerException)
        : base(status.ToString(), innerException)
    {
        ArgumentNullException.ThrowIfNull(trailers);
        Status = status;
        Trailers = trailers;
    }

    public Status Status { get; }

    public StatusCode StatusCode => Status.StatusCode;

    public Metadata Trailers { get; }
}
