using BenchmarkDotNet.Attributes;
using Mesh.Proxy.Clusters;

namespace Mesh.Benchmarks.Proxy;

/// <summary>
/// What connectionPool.http.maxRequestsPerConnection: 1 adds to a request before it reaches SocketsHttpHandler: the
/// <see cref="ConnectionCloseHandler"/> that sets <c>Connection: close</c>, against the same invoker without it (what a
/// cluster without the field has). The handler below answers at once, so only the request's own objects and the
/// header remain; the new connection each such request then opens costs far more and is not measured here.
/// </summary>
[MemoryDiagnoser]
public class ConnectionCloseHandlerBenchmarks
{
    private static readonly Uri Destination = new("http://10.0.0.1:9080/reviews");
    private readonly HttpMessageInvoker _unset = new(new AnsweringHandler());
    private readonly HttpMessageInvoker _oneRequestPerConnection = new(new ConnectionCloseHandler(new AnsweringHandler()));

    [Benchmark(Baseline = true)]
    public Task<HttpResponseMessage> Unset() => _unset.SendAsync(new HttpRequestMessage(HttpMethod.Get, Destination), CancellationToken.None);

    [Benchmark]
    public Task<HttpResponseMessage> OneRequestPerConnection() =>
        _oneRequestPerConnection.SendAsync(new HttpRequestMessage(HttpMethod.Get, Destination), CancellationToken.None);

    /// <summary>Answers every request with one shared response, allocating nothing.</summary>
    private sealed class AnsweringHandler : HttpMessageHandler
    {
        private readonly Task<HttpResponseMessage> _answer = Task.FromResult(new HttpResponseMessage());

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => _answer;
    }
}
