namespace Mesh.Api.Grpc;

/// <summary>A server-streaming call in flight.</summary>
public sealed class AsyncServerStreamingCall<TResponse> : IDisposable
{
    private readonly IClientCall _call;

    internal AsyncServerStreamingCall(IClientCall call, IAsyncStreamReader<TResponse> responseStream)
    {
        _call = call;
        ResponseStream = responseStream;
    }

    /// <summary>The responses; <c>MoveNext</c> throws <see cref="RpcException"/> when the call ends with an error.</summary>
    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    public Status GetStatus() => _call.GetStatus();

    public Metadata GetTrailers() => _call.GetTrailers();

    public void Dispose() => _call.Dispose();
}
