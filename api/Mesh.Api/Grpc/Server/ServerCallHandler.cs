using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;

namespace Mesh.Api.Grpc;

/// <summary>
/// Runs one call of a mapped method: validates the request, sets up the call context, reader and writer,
/// invokes the handler and turns its outcome into the gRPC status.
/// </summary>
internal sealed class ServerCallHandler<TRequest, TResponse>
{
    private const string HandlerFailedDetail = "Exception was thrown by handler.";

    private readonly Method<TRequest, TResponse> _method;
    private readonly GrpcServerOptions _options;
    private readonly ActiveCallTracker _tracker;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Func<HttpRequestStreamReader<TRequest>, HttpResponseStreamWriter<TResponse>, HttpServerCallContext, Task> _invoke;

    public ServerCallHandler(
        Method<TRequest, TResponse> method,
        GrpcWireServices services,
        Func<HttpRequestStreamReader<TRequest>, HttpResponseStreamWriter<TResponse>, HttpServerCallContext, Task> invoke)
    {
        _method = method;
        _options = services.Options;
        _tracker = services.Tracker;
        _timeProvider = services.TimeProvider;
        _logger = services.Logger;
        _invoke = invoke;
    }

    public async Task HandleAsync(HttpContext httpContext)
    {
        var (valid, timeout) = await GrpcRequestValidator.ValidateAsync(httpContext);
        if (!valid)
        {
            ServerLog.CallRejected(_logger, _method.FullName, httpContext.Response.StatusCode);
            return;
        }

        PrepareResponse(httpContext);
        _tracker.CallStarted();
        using var context = new HttpServerCallContext(httpContext, _method.FullName, timeout, _timeProvider);
        var reader = new HttpRequestStreamReader<TRequest>(
            new PipeMessageReader<TRequest>(httpContext.Request.BodyReader, _method.RequestMarshaller, _options.MaxReceiveMessageSize),
            context);
        var writer = new HttpResponseStreamWriter<TResponse>(httpContext.Response.BodyWriter, _method.ResponseMarshaller, _options.MaxSendMessageSize, context);
        try
        {
            var status = await InvokeAsync(reader, writer, context);
            await writer.EndAsync();
            if (!context.ClientAborted)
            {
                GrpcHttpResponses.WriteStatus(httpContext.Response, status, context.ResponseTrailers, writer.HasWritten);
            }

            ServerLog.CallEnded(_logger, _method.FullName, status.StatusCode, status.Detail);
        }
        finally
        {
            context.EndCall();
            _tracker.CallEnded();
        }
    }

    private async Task<Status> InvokeAsync(
        HttpRequestStreamReader<TRequest> reader,
        HttpResponseStreamWriter<TResponse> writer,
        HttpServerCallContext context)
    {
        try
        {
            await _invoke(reader, writer, context);
            return context.DeadlineExceeded ? DeadlineExceeded() : context.Status;
        }
        catch (RpcException ex)
        {
            foreach (var entry in ex.Trailers)
            {
                context.ResponseTrailers.Add(entry);
            }

            return ex.Status;
        }
        catch (Exception) when (context.DeadlineExceeded)
        {
            return DeadlineExceeded();
        }
        catch (Exception) when (context.ClientAborted)
        {
            return new Status(StatusCode.Cancelled, "The client cancelled the call.");
        }
        catch (Exception ex)
        {
            ServerLog.HandlerFailed(_logger, _method.FullName, StatusCode.Unknown, ex);
            return new Status(StatusCode.Unknown, HandlerFailedDetail);
        }
    }

    private static Status DeadlineExceeded() => new(StatusCode.DeadlineExceeded, "Deadline Exceeded");

    private void PrepareResponse(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = GrpcProtocol.ContentType;

        // Message size is limited per message by the options; a long-lived stream has no total body limit.
        if (httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } maxBodySize)
        {
            maxBodySize.MaxRequestBodySize = null;
        }

        // A streaming client legitimately goes quiet between messages; its deadline bounds it instead.
        if (_method.Type is MethodType.ClientStreaming or MethodType.DuplexStreaming
            && httpContext.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } minRate)
        {
            minRate.MinDataRate = null;
        }
    }
}
