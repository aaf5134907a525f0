using System.Net;

namespace Mesh.Api.Grpc;

/// <summary>
/// The request body of a client-streaming or duplex call. HttpClient hands us the HTTP/2 request stream and
/// keeps the body open until <see cref="Complete"/>; meanwhile the response is already readable (full duplex).
/// </summary>
internal sealed class StreamingRequestContent : HttpContent
{
    private readonly TaskCompletionSource<Stream> _stream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StreamingRequestContent()
    {
        Headers.TryAddWithoutValidation("content-type", GrpcProtocol.ContentType);
    }

    /// <summary>The request stream, once HttpClient has sent the request headers.</summary>
    public Task<Stream> StreamAsync => _stream.Task;

    /// <summary>Ends the request body (END_STREAM): the client is done writing.</summary>
    public void Complete() => _completed.TrySetResult();

    /// <summary>Abandons the request body because the call ended.</summary>
    public void Abort()
    {
        _stream.TrySetCanceled();
        _completed.TrySetCanceled();
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        // HttpClient holds the request HEADERS back until the body writes; flushing now sends them, so the
        // server starts the call (and may answer) before the client's first message.
        await stream.FlushAsync(cancellationToken);
        _stream.TrySetResult(stream);
        await using var registration = cancellationToken.UnsafeRegister(static state => ((StreamingRequestContent)state!).Abort(), this);
        await _completed.Task;
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
