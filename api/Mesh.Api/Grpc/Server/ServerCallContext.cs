using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Grpc;

/// <summary>What a server handler knows about, and can do to, the call it is serving.</summary>
public abstract class ServerCallContext
{
    /// <summary>The request path, <c>/{service}/{method}</c>.</summary>
    public abstract string Method { get; }

    /// <summary>The peer address, e.g. <c>ipv4:127.0.0.1:50312</c> or <c>ipv6:[::1]:50312</c>.</summary>
    public abstract string Peer { get; }

    /// <summary>The client's custom metadata (protocol headers excluded).</summary>
    public abstract Metadata RequestHeaders { get; }

    /// <summary>Metadata sent in the trailers when the call ends.</summary>
    public abstract Metadata ResponseTrailers { get; }

    /// <summary>The call's deadline in UTC (from <c>grpc-timeout</c>), <see cref="DateTime.MaxValue"/> when none.</summary>
    public abstract DateTime Deadline { get; }

    /// <summary>Fires when the client cancels (RST_STREAM or disconnect) or the deadline passes.</summary>
    public abstract CancellationToken CancellationToken { get; }

    /// <summary>The status sent when the handler returns normally; OK unless set.</summary>
    public abstract Status Status { get; set; }

    /// <summary>Sends the response headers now, with <paramref name="responseHeaders"/> as custom metadata.</summary>
    public abstract Task WriteResponseHeadersAsync(Metadata responseHeaders);

    /// <summary>The underlying HTTP request (e.g. for the client certificate of an mTLS connection).</summary>
    public abstract HttpContext GetHttpContext();
}
