namespace Mesh.Api.Grpc;

/// <summary>
/// A client for one gRPC server address (<c>http://</c> for h2c with prior knowledge, <c>https://</c> for
/// HTTP/2 negotiated by ALPN). Calls multiplex as HTTP/2 streams over pooled connections. Thread-safe;
/// create one per server and reuse it.
/// </summary>
public sealed class GrpcChannel : IDisposable
{
    private readonly HttpMessageHandler _handler;
    private readonly bool _disposeHandler;
    private readonly string _baseAddress;

    private GrpcChannel(Uri address, GrpcChannelOptions options)
    {
        Address = address;
        Options = options;
        _baseAddress = address.GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (options.HttpHandler is { } handler)
        {
            _handler = handler;
            _disposeHandler = options.DisposeHttpHandler;
        }
        else
        {
            _handler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                KeepAlivePingDelay = options.KeepAlivePingDelay,
                KeepAlivePingTimeout = options.KeepAlivePingTimeout,
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            };
            _disposeHandler = true;
        }

        Invoker = new HttpMessageInvoker(_handler, disposeHandler: false);
    }

    public Uri Address { get; }

    internal GrpcChannelOptions Options { get; }

    internal HttpMessageInvoker Invoker { get; }

    public static GrpcChannel ForAddress(string address, GrpcChannelOptions? options = null) =>
        ForAddress(new Uri(address, UriKind.Absolute), options);

    public static GrpcChannel ForAddress(Uri address, GrpcChannelOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"Address '{address}' must be http:// (h2c) or https://.", nameof(address));
        }

        return new GrpcChannel(address, options ?? new GrpcChannelOptions());
    }

    public AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method,
        TRequest request,
        CallOptions options = default)
    {
        var call = CreateCall(method, MethodType.Unary, options);
        call.StartWithMessage(request);
        return new AsyncUnaryCall<TResponse>(call, call.ReadSingleResponseAsync());
    }

    public AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method,
        TRequest request,
        CallOptions options = default)
    {
        var call = CreateCall(method, MethodType.ServerStreaming, options);
        call.StartWithMessage(request);
        return new AsyncServerStreamingCall<TResponse>(call, new ClientResponseStreamReader<TRequest, TResponse>(call));
    }

    public AsyncClientStreamingCall<TRequest, TResponse> AsyncClientStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method,
        CallOptions options = default)
    {
        var call = CreateCall(method, MethodType.ClientStreaming, options);
        call.StartStreaming();
        return new AsyncClientStreamingCall<TRequest, TResponse>(
            call,
            new ClientRequestStreamWriter<TRequest, TResponse>(call, method.RequestMarshaller, Options.MaxSendMessageSize),
            call.ReadSingleResponseAsync());
    }

    public AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
        Method<TRequest, TResponse> method,
        CallOptions options = default)
    {
        var call = CreateCall(method, MethodType.DuplexStreaming, options);
        call.StartStreaming();
        return new AsyncDuplexStreamingCall<TRequest, TResponse>(
            call,
            new ClientRequestStreamWriter<TRequest, TResponse>(call, method.RequestMarshaller, Options.MaxSendMessageSize),
            new ClientResponseStreamReader<TRequest, TResponse>(call));
    }

    public void Dispose()
    {
        Invoker.Dispose();
        if (_disposeHandler)
        {
            _handler.Dispose();
        }
    }

    internal Uri GetRequestUri(string methodPath) => new(_baseAddress + methodPath, UriKind.Absolute);

    private GrpcCall<TRequest, TResponse> CreateCall<TRequest, TResponse>(Method<TRequest, TResponse> method, MethodType expected, CallOptions options)
    {
        ArgumentNullException.ThrowIfNull(method);
        if (method.Type != expected)
        {
            throw new ArgumentException($"Method {method.FullName} is {method.Type}, not {expected}.", nameof(method));
        }

        return new GrpcCall<TRequest, TResponse>(this, method, options);
    }
}
