namespace Mesh.Api.Grpc;

/// <summary>
/// Describes one gRPC method: its shape, its names (the HTTP/2 path is <c>/{ServiceName}/{Name}</c>) and how
/// its messages are (de)serialized.
/// </summary>
public sealed class Method<TRequest, TResponse>
{
    public Method(
        MethodType type,
        string serviceName,
        string name,
        Marshaller<TRequest> requestMarshaller,
        Marshaller<TResponse> responseMarshaller)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(requestMarshaller);
        ArgumentNullException.ThrowIfNull(responseMarshaller);
        if (serviceName.Contains('/', StringComparison.Ordinal) || name.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException("Service and method names must not contain '/'.");
        }

        Type = type;
        ServiceName = serviceName;
        Name = name;
        RequestMarshaller = requestMarshaller;
        ResponseMarshaller = responseMarshaller;
        FullName = "/" + serviceName + "/" + name;
    }

    public MethodType Type { get; }

    /// <summary>The fully qualified service name, e.g. <c>mesh.v1.ConfigDiscovery</c>.</summary>
    public string ServiceName { get; }

    /// <summary>The method name, e.g. <c>StreamConfig</c>.</summary>
    public string Name { get; }

    /// <summary>The request path, <c>/{ServiceName}/{Name}</c>.</summary>
    public string FullName { get; }

    public Marshaller<TRequest> RequestMarshaller { get; }

    public Marshaller<TResponse> ResponseMarshaller { get; }
}
