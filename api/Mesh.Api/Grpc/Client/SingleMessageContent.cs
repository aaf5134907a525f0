using System.IO.Pipelines;
using System.Net;

namespace Mesh.Api.Grpc;

/// <summary>The request body of a unary or server-streaming call: one framed message.</summary>
internal sealed class SingleMessageContent<T> : HttpContent
{
    private readonly Marshaller<T> _marshaller;
    private readonly T _message;
    private readonly int? _maxMessageSize;

    public SingleMessageContent(Marshaller<T> marshaller, T message, int? maxMessageSize)
    {
        _marshaller = marshaller;
        _message = message;
        _maxMessageSize = maxMessageSize;
        Headers.TryAddWithoutValidation("content-type", GrpcProtocol.ContentType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        MessageFraming.WriteMessage(writer, _marshaller, _message, _maxMessageSize);
        await writer.CompleteAsync();
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
