namespace Mesh.Proxy.Clusters;

/// <summary>A pooled HTTP client for one cluster's connection settings, and the number of connections it holds open.</summary>
internal sealed class UpstreamClient : IDisposable
{
    private long _openConnections;

    public UpstreamClient(string key, Func<UpstreamClient, HttpMessageHandler> handlerFactory)
    {
        Key = key;
        Invoker = new HttpMessageInvoker(handlerFactory(this), disposeHandler: true);
    }

    /// <summary>Cluster name plus every setting the handler was built from: equal keys can share the client.</summary>
    public string Key { get; }

    public HttpMessageInvoker Invoker { get; }

    public long OpenConnections => Interlocked.Read(ref _openConnections);

    internal void OnConnectionOpened() => Interlocked.Increment(ref _openConnections);

    internal void OnConnectionClosed() => Interlocked.Decrement(ref _openConnections);

    public void Dispose() => Invoker.Dispose();
}
