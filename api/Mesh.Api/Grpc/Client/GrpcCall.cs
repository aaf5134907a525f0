using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;

namespace Mesh.Api.Grpc;

/// <summary>
/// One client call over HTTP/2: sends the request, validates the response headers (Trailers-Only or not),
/// reads framed messages from the response body and the status from the trailers. Cancellation (the
/// caller's token, <see cref="Dispose"/> or the deadline) cancels the HTTP request, which resets the stream.
/// </summary>
internal sealed class GrpcCall<TRequest, TResponse> : IClientCall
{
    private readonly GrpcChannel _channel;
    private readonly Method<TRequest, TResponse> _method;
    private readonly CallOptions _options;
    private readonly CancellationTokenSource _cancellation = new();
    private readonly CancellationTokenRegistration _callerRegistration;
    private readonly Lock _finishLock = new();
    private ITimer? _deadlineTimer;
    private Task<HttpResponseMessage>? _responseTask;
    private Task<HttpResponseMessage>? _ready;
    private PipeMessageReader<TResponse>? _messageReader;
    private PipeReader? _bodyReader;
    private volatile Outcome? _outcome;
    private int _deadlineExceeded;
    private int _disposed;

    public GrpcCall(GrpcChannel channel, Method<TRequest, TResponse> method, CallOptions options)
    {
        _channel = channel;
        _method = method;
        _options = options;
        if (options.CancellationToken.CanBeCanceled)
        {
            _callerRegistration = options.CancellationToken.UnsafeRegister(static state => ((GrpcCall<TRequest, TResponse>)state!).Cancel(), this);
        }
    }

    public StreamingRequestContent? RequestContent { get; private set; }

    public Task<Metadata> ResponseHeadersAsync => ReadResponseHeadersAsync();

    public TResponse Current => _messageReader is null ? default! : _messageReader.Current;

    public void StartWithMessage(TRequest request) =>
        Start(new SingleMessageContent<TRequest>(_method.RequestMarshaller, request, _channel.Options.MaxSendMessageSize));

    public void StartStreaming()
    {
        RequestContent = new StreamingRequestContent();
        Start(RequestContent);
    }

    /// <summary>Reads the next response; false at the end of an OK call; throws <see cref="RpcException"/> otherwise.</summary>
    public async Task<bool> MoveNextAsync(CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((GrpcCall<TRequest, TResponse>)state!).Cancel(), this)
            : default;
        await _ready!;
        if (_outcome?.Status is { } finished)
        {
            return finished.StatusCode == StatusCode.OK ? false : throw new RpcException(finished, _outcome!.Trailers);
        }

        bool hasMessage;
        try
        {
            hasMessage = await _messageReader!.MoveNextAsync(_cancellation.Token);
        }
        catch (RpcException ex)
        {
            // A local protocol error (oversized or malformed message): the call cannot go on.
            Finish(ex.Status, new Metadata());
            Cancel();
            throw;
        }
        catch (Exception ex)
        {
            throw Fail(ex);
        }

        if (hasMessage)
        {
            return true;
        }

        var response = await _responseTask!;
        var status = ReadStatus(response.TrailingHeaders) ?? new Status(StatusCode.Internal, "No grpc-status found on response.");
        Finish(status, MetadataHeaders.From(response.TrailingHeaders));
        await _bodyReader!.CompleteAsync();
        response.Dispose();
        return status.StatusCode == StatusCode.OK ? false : throw new RpcException(status, _outcome!.Trailers);
    }

    /// <summary>Reads the single response of a unary or client-streaming call, then its status.</summary>
    public async Task<TResponse> ReadSingleResponseAsync()
    {
        if (!await MoveNextAsync(CancellationToken.None))
        {
            var status = new Status(StatusCode.Internal, "The call ended with OK but without a response message.");
            Finish(status, _outcome?.Trailers ?? new Metadata(), replaceOk: true);
            throw new RpcException(status);
        }

        var message = Current;
        if (await MoveNextAsync(CancellationToken.None))
        {
            var status = new Status(StatusCode.Internal, "More than one response message for a single-response method.");
            Finish(status, new Metadata(), replaceOk: true);
            Cancel();
            throw new RpcException(status);
        }

        return message;
    }

    /// <summary>Writes one request message into the open request body.</summary>
    public async Task WriteAsync(BatchingMessageWriter<TRequest> writer, TRequest message, CancellationToken cancellationToken)
    {
        if (_outcome?.Status is { } finished)
        {
            throw new RpcException(finished.StatusCode == StatusCode.OK ? new Status(StatusCode.Internal, "The call has already ended.") : finished);
        }

        try
        {
            await writer.WriteAsync(message, cancellationToken.CanBeCanceled ? cancellationToken : _cancellation.Token);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            // The pump stops when the request stream fails; the response side usually knows why by then.
            throw _outcome?.Status is { } status ? new RpcException(status, _outcome!.Trailers) : Fail(ex);
        }
    }

    public Status GetStatus() => _outcome?.Status ?? throw new InvalidOperationException("The call is still running; its status is not known yet.");

    public Metadata GetTrailers() => _outcome?.Trailers ?? throw new InvalidOperationException("The call is still running; its trailers are not known yet.");

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_outcome is null)
        {
            Finish(new Status(StatusCode.Cancelled, "The call was disposed."), new Metadata());
        }

        Cancel();
        _callerRegistration.Dispose();
        _deadlineTimer?.Dispose();
        RequestContent?.Abort();
    }

    internal Task<Stream> RequestStreamAsync() =>
        RequestContent?.StreamAsync ?? throw new InvalidOperationException("This call has no request stream.");

    private void Start(HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _channel.GetRequestUri(_method.FullName))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = request.Headers;
        headers.TryAddWithoutValidation(GrpcProtocol.TeHeader, GrpcProtocol.TeTrailers);
        headers.TryAddWithoutValidation("user-agent", GrpcProtocol.UserAgent);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.IdentityEncoding);
        if (_options.Headers is { } metadata)
        {
            MetadataHeaders.CopyTo(metadata, headers);
        }

        if (_options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            var timeProvider = _channel.Options.TimeProvider;
            var timeout = deadline.ToUniversalTime() - timeProvider.GetUtcNow().UtcDateTime;
            if (timeout <= TimeSpan.Zero)
            {
                // Already past: fail without touching the network, as other gRPC clients do.
                OnDeadline();
                _responseTask = Task.FromException<HttpResponseMessage>(new OperationCanceledException(_cancellation.Token));
                _ready = PrepareResponseAsync();
                request.Dispose();
                return;
            }

            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(timeout));
            _deadlineTimer = timeProvider.CreateTimer(static state => ((GrpcCall<TRequest, TResponse>)state!).OnDeadline(), this, timeout, Timeout.InfiniteTimeSpan);
        }

        _responseTask = _channel.Invoker.SendAsync(request, _cancellation.Token);

        // Started now, not on first read, so that a failed call also releases a writer waiting for the body.
        _ready = PrepareResponseAsync();
    }

    private async Task<Metadata> ReadResponseHeadersAsync()
    {
        var response = await _ready!;
        return MetadataHeaders.From(response.Headers);
    }

    private async Task<HttpResponseMessage> PrepareResponseAsync()
    {
        HttpResponseMessage response;
        try
        {
            response = await _responseTask!;
        }
        catch (Exception ex)
        {
            throw Fail(ex);
        }

        var headerStatus = ValidateHeaders(response);
        if (headerStatus is { } status)
        {
            Finish(status, MetadataHeaders.From(response.Headers));
            return response;
        }

        try
        {
            var body = await response.Content.ReadAsStreamAsync(_cancellation.Token);
            _bodyReader = PipeReader.Create(body, new StreamPipeReaderOptions(leaveOpen: true));
            _messageReader = new PipeMessageReader<TResponse>(_bodyReader, _method.ResponseMarshaller, _channel.Options.MaxReceiveMessageSize);
        }
        catch (Exception ex)
        {
            throw Fail(ex);
        }

        return response;
    }

    /// <summary>The status carried by the response headers when the call ends there (Trailers-Only or an HTTP error).</summary>
    private static Status? ValidateHeaders(HttpResponseMessage response)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return ReadStatus(response.Headers) is { } carried
                ? carried
                : new Status(HttpStatusMapping.ToStatusCode(response.StatusCode), $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}.");
        }

        if (ReadStatus(response.Headers) is { } trailersOnly)
        {
            return trailersOnly;
        }

        var contentType = response.Content.Headers.ContentType?.ToString();
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            return new Status(StatusCode.Internal, $"Bad gRPC response. Invalid content-type value: {contentType}.");
        }

        return null;
    }

    private static Status? ReadStatus(HttpHeaders headers)
    {
        if (!headers.NonValidated.TryGetValues(GrpcProtocol.StatusHeader, out var statusValues))
        {
            return null;
        }

        var code = int.TryParse(statusValues.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? (StatusCode)value
            : StatusCode.Unknown;
        var detail = headers.NonValidated.TryGetValues(GrpcProtocol.MessageHeader, out var messageValues)
            ? StatusMessageEncoding.Decode(messageValues.ToString())
            : string.Empty;
        return new Status(code, detail);
    }

    /// <summary>Turns a transport failure into the call's status and the exception to throw.</summary>
    private RpcException Fail(Exception exception)
    {
        if (exception is RpcException rpc)
        {
            return rpc;
        }

        var status = _outcome?.Status ?? ClassifyFailure(exception);
        Finish(status, new Metadata());
        Cancel();
        return new RpcException(status, _outcome!.Trailers, exception);
    }

    private Status ClassifyFailure(Exception exception)
    {
        if (Volatile.Read(ref _deadlineExceeded) == 1)
        {
            return new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }

        if (_cancellation.IsCancellationRequested)
        {
            return new Status(StatusCode.Cancelled, "Call canceled by the client.");
        }

        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpProtocolException protocol)
            {
                return new Status(HttpStatusMapping.FromResetCode(protocol.ErrorCode), $"Stream reset by the peer (HTTP/2 error code {protocol.ErrorCode}).");
            }
        }

        return new Status(StatusCode.Unavailable, $"Error in the gRPC call: {exception.GetType().Name}: {exception.Message}");
    }

    /// <summary>
    /// Records the final status once. <paramref name="replaceOk"/> lets a protocol violation found after an OK
    /// status (a unary call without its response) override it, so GetStatus agrees with the thrown exception.
    /// </summary>
    private void Finish(Status status, Metadata trailers, bool replaceOk = false)
    {
        lock (_finishLock)
        {
            if (_outcome is { } existing && !(replaceOk && existing.Status.StatusCode == StatusCode.OK))
            {
                return;
            }

            _outcome = new Outcome(status, trailers);
        }

        _deadlineTimer?.Dispose();
        RequestContent?.Abort();
    }

    private void OnDeadline()
    {
        Interlocked.Exchange(ref _deadlineExceeded, 1);
        Cancel();
    }

    private void Cancel()
    {
        _cancellation.Cancel();

        // Once the response headers are in, the request token no longer reaches the HTTP/2 stream: disposing
        // the response is what resets it (RST_STREAM CANCEL) if it is still open.
        if (_responseTask is { IsCompletedSuccessfully: true } response)
        {
            response.Result.Dispose();
        }
    }

    /// <summary>The final status and trailers, published together in one reference so readers never see half.</summary>
    private sealed record Outcome(Status Status, Metadata Trailers);
}
