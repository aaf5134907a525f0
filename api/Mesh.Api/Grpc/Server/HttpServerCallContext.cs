using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Grpc;

/// <summary>
/// The <see cref="ServerCallContext"/> of one HTTP/2 request. Its cancellation token joins the client's abort
/// (RST_STREAM or disconnect) with the deadline timer.
/// </summary>
internal sealed class HttpServerCallContext : ServerCallContext, IDisposable
{
    private readonly HttpContext _httpContext;
    private readonly CancellationTokenSource _cancellation;
    private readonly ITimer? _deadlineTimer;
    private Metadata? _requestHeaders;
    private int _deadlineExceeded;
    private volatile bool _ended;

    public HttpServerCallContext(HttpContext httpContext, string method, TimeSpan? timeout, TimeProvider timeProvider)
    {
        _httpContext = httpContext;
        Method = method;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted);
        if (timeout is { } value)
        {
            Deadline = timeProvider.GetUtcNow().UtcDateTime + value;
            _deadlineTimer = timeProvider.CreateTimer(static state => ((HttpServerCallContext)state!).OnDeadline(), this, value, Timeout.InfiniteTimeSpan);
        }
        else
        {
            Deadline = DateTime.MaxValue;
        }
    }

    public override string Method { get; }

    public override string Peer => FormatPeer(_httpContext.Connection.RemoteIpAddress, _httpContext.Connection.RemotePort);

    public override Metadata RequestHeaders => _requestHeaders ??= MetadataHeaders.From(_httpContext.Request.Headers);

    public override Metadata ResponseTrailers { get; } = new();

    public override DateTime Deadline { get; }

    public override CancellationToken CancellationToken => _cancellation.Token;

    public override Status Status { get; set; } = Status.DefaultSuccess;

    public bool DeadlineExceeded => Volatile.Read(ref _deadlineExceeded) == 1;

    public bool ClientAborted => _httpContext.RequestAborted.IsCancellationRequested;

    /// <summary>True once the call's status is written: the request and response belong to the server again.</summary>
    public bool Ended => _ended;

    public override async Task WriteResponseHeadersAsync(Metadata responseHeaders)
    {
        ArgumentNullException.ThrowIfNull(responseHeaders);
        if (_httpContext.Response.HasStarted)
        {
            throw new InvalidOperationException("Response headers can only be sent once per call.");
        }

        MetadataHeaders.CopyTo(responseHeaders, _httpContext.Response.Headers);
        await _httpContext.Response.BodyWriter.FlushAsync(CancellationToken);
    }

    public override HttpContext GetHttpContext() => _httpContext;

    /// <summary>
    /// Ends the call for anything the handler left running. Kestrel reuses a finished HTTP/2 stream's request pipe
    /// for the next stream on the connection, so a read that outlived its handler would take another call's
    /// messages: cancelling the token ends a pending read, and <see cref="Ended"/> refuses a later one.
    /// </summary>
    public void EndCall()
    {
        _ended = true;
        try
        {
            _cancellation.Cancel();
        }
        catch (AggregateException)
        {
            // A handler's own registration threw after its call was over: nothing is left to tell.
        }
    }

    public void Dispose()
    {
        _deadlineTimer?.Dispose();
        _cancellation.Dispose();
    }

    private void OnDeadline()
    {
        Interlocked.Exchange(ref _deadlineExceeded, 1);
        try
        {
            _cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call ended while the timer fired.
        }
    }

    private static string FormatPeer(IPAddress? address, int port) => address switch
    {
        null => "unknown",
        { AddressFamily: AddressFamily.InterNetworkV6 } => string.Create(CultureInfo.InvariantCulture, $"ipv6:[{address}]:{port}"),
        _ => string.Create(CultureInfo.InvariantCulture, $"ipv4:{address}:{port}"),
    };
}
