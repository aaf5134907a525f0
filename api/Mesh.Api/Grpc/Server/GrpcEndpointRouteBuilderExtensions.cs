using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Api.Grpc;

/// <summary>
/// Maps gRPC methods onto endpoint routing at <c>/{service}/{method}</c>. The first mapping also adds a
/// catch-all that answers gRPC requests for any other <c>/{service}/{method}</c> with UNIMPLEMENTED.
/// </summary>
public static class GrpcEndpointRouteBuilderExtensions
{
    public static IEndpointConventionBuilder MapGrpcUnary<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints,
        Method<TRequest, TResponse> method,
        UnaryServerMethod<TRequest, TResponse> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Map(endpoints, method, MethodType.Unary, async (reader, writer, context) =>
        {
            var request = await reader.ReadSingleAsync();
            writer.WriteFinal(await handler(request, context));
        });
    }

    public static IEndpointConventionBuilder MapGrpcClientStreaming<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints,
        Method<TRequest, TResponse> method,
        ClientStreamingServerMethod<TRequest, TResponse> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Map(endpoints, method, MethodType.ClientStreaming, async (reader, writer, context) =>
            writer.WriteFinal(await handler(reader, context)));
    }

    public static IEndpointConventionBuilder MapGrpcServerStreaming<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints,
        Method<TRequest, TResponse> method,
        ServerStreamingServerMethod<TRequest, TResponse> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Map(endpoints, method, MethodType.ServerStreaming, async (reader, writer, context) =>
            await handler(await reader.ReadSingleAsync(), writer, context));
    }

    public static IEndpointConventionBuilder MapGrpcDuplexStreaming<TRequest, TResponse>(
        this IEndpointRouteBuilder endpoints,
        Method<TRequest, TResponse> method,
        DuplexStreamingServerMethod<TRequest, TResponse> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return Map(endpoints, method, MethodType.DuplexStreaming, (reader, writer, context) =>
            handler(reader, writer, context));
    }

    private static IEndpointConventionBuilder Map<TRequest, TResponse>(
        IEndpointRouteBuilder endpoints,
        Method<TRequest, TResponse> method,
        MethodType handlerType,
        Func<HttpRequestStreamReader<TRequest>, HttpResponseStreamWriter<TResponse>, HttpServerCallContext, Task> invoke)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(method);
        if (method.Type != handlerType)
        {
            throw new ArgumentException($"Method {method.FullName} is {method.Type}; this mapping serves {handlerType} methods.", nameof(method));
        }

        var services = endpoints.ServiceProvider.GetService<GrpcWireServices>()
            ?? throw new InvalidOperationException("Call services.AddGrpcWire() before mapping gRPC methods.");
        MapUnimplemented(endpoints, services);
        var handler = new ServerCallHandler<TRequest, TResponse>(method, services, invoke);
        return endpoints.Map(method.FullName, handler.HandleAsync)
            .WithDisplayName("gRPC " + method.FullName)
            .WithMetadata(new GrpcMethodMetadata(method.ServiceName, method.Name, method.Type));
    }

    private static void MapUnimplemented(IEndpointRouteBuilder endpoints, GrpcWireServices services)
    {
        if (services.UnimplementedMapped)
        {
            return;
        }

        services.UnimplementedMapped = true;
        endpoints.Map("/{service}/{method}", async context =>
        {
            if (!GrpcProtocol.IsGrpcContentType(context.Request.ContentType))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            var (valid, _) = await GrpcRequestValidator.ValidateAsync(context);
            if (valid)
            {
                await GrpcHttpResponses.WriteTrailersOnlyAsync(context, new Status(StatusCode.Unimplemented, $"Method '{context.Request.Path}' is unimplemented."));
            }
        })
        .WithDisplayName("gRPC unimplemented")
        .Add(builder => ((RouteEndpointBuilder)builder).Order = int.MaxValue);
    }
}
