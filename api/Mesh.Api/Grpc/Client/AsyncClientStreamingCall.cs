using System.Runtime.CompilerServices;

namespace Mesh.Api.Grpc;

/// <summary>A client-streaming call in flight: write requests, complete, then await the response.</summary>
public sealed class AsyncClientStreamingCall<TRequest, TResponse> : IDisposable
{
    private readonly IClientCall _call;

    internal AsyncClientStreamingCall(IClientCall call, IClientStreamWriter<TRequest> requestStream, Task<TResponse> responseAsync)
    {
        _call = call;
        RequestStream = requestStream;
        ResponseAsync = responseAsync;
    }

    public IClientStreamWriter<TRequest> RequestStream { get; }

    public Task<TResponse> ResponseAsync { get; }

    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();

    public Status GetStatus() => _call.GetStatus();

    public Metadata GetTrailers() => _call.GetTrailers();

    public void Dispose() => _call.Dispose();
}
