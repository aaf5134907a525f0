namespace Mesh.Api.Grpc;

/// <summary>A bidirectional call in flight: both streams are usable at once.</summary>
public sealed class AsyncDuplexStreamingCall<TRequest, TResponse> : IDisposable
{
    private readonly IClientCall _call;

    internal AsyncDuplexStreamingCall(IClientCall call, IClientStreamWriter<TRequest> requestStream, IAsyncStreamReader<TResponse> responseStream)
    {
        _call = call;
        RequestStream = requestStream;
        ResponseStream = responseStream;
    }

    public IClientStreamWriter<TRequest> RequestStream { get; }

    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    public Status GetStatus() => _call.GetStatus();

    public Metadata GetTrailers() => _call.GetTrailers();

    public void Dispose() => _call.Dispose();
}
