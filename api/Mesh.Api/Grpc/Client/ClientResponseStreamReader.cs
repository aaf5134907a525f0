namespace Mesh.Api.Grpc;

/// <summary>The response stream of a server-streaming or duplex call.</summary>
internal sealed class ClientResponseStreamReader<TRequest, TResponse> : IAsyncStreamReader<TResponse>
{
    private readonly GrpcCall<TRequest, TResponse> _call;

    public ClientResponseStreamReader(GrpcCall<TRequest, TResponse> call)
    {
        _call = call;
    }

    public TResponse Current => _call.Current;

    public Task<bool> MoveNext(CancellationToken cancellationToken) => _call.MoveNextAsync(cancellationToken);
}
