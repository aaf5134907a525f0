using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Api.V1;

namespace Mesh.Operator.Tests.ConfigServer;

/// <summary>One proxy's side of the config stream, driven step by step by a test through Grpc.Net.Client.</summary>
internal sealed class FakeProxyStream : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly AsyncDuplexStreamingCall<ConfigRequest, ConfigResponse> _call;

    private FakeProxyStream(AsyncDuplexStreamingCall<ConfigRequest, ConfigResponse> call) => _call = call;

    /// <param name="credentials">The call's metadata: what the operator authenticates the stream by.</param>
    public static async Task<FakeProxyStream> OpenAsync(GrpcChannel channel, ConfigRequest first, Metadata credentials)
    {
        var call = new ConfigDiscovery.ConfigDiscoveryClient(channel).StreamConfig(credentials);
        try
        {
            await call.RequestStream.WriteAsync(first);
        }
        catch (Exception ex) when (ex is RpcException or InvalidOperationException)
        {
            // The server may refuse the stream (its credentials) before the first request is written; the call's
            // status, which a test reads next, says why.
        }

        return new FakeProxyStream(call);
    }

    public static ConfigRequest Hello(string nodeId) => new() { Node = new Node { Id = nodeId, Namespace = "default" } };

    public Status Status => _call.GetStatus();

    public async Task<ConfigResponse> ReceiveAsync()
    {
        Assert.True(await _call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Patience), "the stream ended before a response arrived");
        return _call.ResponseStream.Current;
    }

    /// <summary>Reads until the stream ends; returns how it ended.</summary>
    public async Task<RpcException> ReadUntilFailureAsync()
    {
        try
        {
            while (await _call.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(Patience))
            {
            }
        }
        catch (RpcException ex)
        {
            return ex;
        }

        Assert.Fail("the stream ended with OK; an error status was expected");
        throw new InvalidOperationException();
    }

    public Task AckAsync(ConfigResponse response) =>
        _call.RequestStream.WriteAsync(new ConfigRequest { VersionInfo = response.VersionInfo, ResponseNonce = response.Nonce });

    public Task NackAsync(ConfigResponse response, string previousVersion, string reason) =>
        _call.RequestStream.WriteAsync(new ConfigRequest
        {
            VersionInfo = previousVersion,
            ResponseNonce = response.Nonce,
            ErrorDetail = new ErrorDetail { Code = (int)StatusCode.InvalidArgument, Message = reason },
        });

    public Task SendAsync(ConfigRequest request) => _call.RequestStream.WriteAsync(request);

    public void Dispose() => _call.Dispose();
}
