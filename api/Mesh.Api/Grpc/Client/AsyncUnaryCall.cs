using System.Runtime.CompilerServices;

namespace Mesh.Api.Grpc;

/// <summary>A unary call in flight. Await it (or <see cref="ResponseAsync"/>) for the response.</summary>
public sealed class AsyncUnaryCall<TResponse> : IDisposable
{
    private readonly IClientCall _call;

    internal AsyncUnaryCall(IClientCall call, Task<TResponse> responseAsync)
    {
        _call = call;
        ResponseAsync = responseAsync;
    }

    /// <summary>The response; faults with <see cref="RpcException"/> when the call ends with a non-OK status.</summary>
    public Task<TResponse> ResponseAsync { get; }

    public Task<Metadata> ResponseHeadersAsync => _call.ResponseHeadersAsync;

    public TaskAwaiter<TResponse> GetAwaiter() => ResponseAsync.GetAwaiter();

    /// <summary>The final status; throws <see cref="InvalidOperationException"/> while the call is running.</summary>
    public Status GetStatus() => _call.GetStatus();

    /// <summary>The trailers; throws <see cref="InvalidOperationException"/> while the call is running.</summary>
    public Metadata GetTrailers() => _call.GetTrailers();

    /// <summary>Cancels the call if it is still running (RST_STREAM) and releases its resources.</summary>
    public void Dispose() => _call.Dispose();
}
