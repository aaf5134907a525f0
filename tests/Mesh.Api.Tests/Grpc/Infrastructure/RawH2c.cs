using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace Mesh.Api.Tests.Grpc.Infrastructure;

/// <summary>
/// Hand-crafted gRPC requests over h2c (HttpClient with prior knowledge) for the bad-input tests: whatever
/// bytes and headers a test wants, without our client's checks in the way.
/// </summary>
internal static class RawH2c
{
    public static HttpClient CreateClient() => new(new SocketsHttpHandler())
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = TimeSpan.FromSeconds(30),
    };

    public static HttpRequestMessage Request(string address, string path, HttpContent content, string contentType = "application/grpc")
    {
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, address + path)
        {
            Content = content,
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return request;
    }

    /// <summary>A length-prefixed message with the given flag and length field (which may lie).</summary>
    public static byte[] Frame(byte flag, uint declaredLength, ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[5 + payload.Length];
        bytes[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(1), declaredLength);
        payload.CopyTo(bytes.AsSpan(5));
        return bytes;
    }

    public static byte[] Frame(IMessage message)
    {
        var payload = message.ToByteArray();
        return Frame(0, (uint)payload.Length, payload);
    }

    /// <summary>Reads the body to its end and returns the gRPC status (Trailers-Only headers or trailers).</summary>
    public static async Task<(int? Code, string? Message)> ReadStatusAsync(HttpResponseMessage response)
    {
        await response.Content.ReadAsByteArrayAsync();
        var code = Get(response.Headers, "grpc-status") ?? Get(response.TrailingHeaders, "grpc-status");
        var message = Get(response.Headers, "grpc-message") ?? Get(response.TrailingHeaders, "grpc-message");
        return (code is null ? null : int.Parse(code, System.Globalization.CultureInfo.InvariantCulture), message);
    }

    private static string? Get(HttpHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;
}

/// <summary>A request body that sends some bytes and then stays open (a stalled or slow client).</summary>
internal sealed class StallingContent : HttpContent
{
    private readonly byte[] _bytes;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StallingContent(byte[] bytes)
    {
        _bytes = bytes;
    }

    public void Release() => _release.TrySetResult();

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await stream.WriteAsync(_bytes, cancellationToken);
        await stream.FlushAsync(cancellationToken);
        await _release.Task.WaitAsync(cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
