using Grpc.Core;
using Mesh.Api.V1;
using Mesh.Proxy.Hosting;
using Mesh.Proxy.Identity;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Proxy.Config;

/// <summary>
/// The control plane's config stream (<c>mesh.v1.ConfigDiscovery/StreamConfig</c>): announces the node (asking for
/// deltas), applies each config it receives (whole, or a delta onto the one it serves) and answers with an ACK (the
/// new version and the response's nonce) or a NACK (the version still serving, the nonce and the reason). When the
/// stream breaks the last good config keeps serving and the proxy reconnects with jittered exponential backoff,
/// telling the server which version it has. Every stream is authenticated with the proxy's credentials
/// (<see cref="WorkloadCredentials"/>), read afresh for each one so that a rotated service-account token is what the
/// next reconnect presents.
/// </summary>
internal sealed partial class StreamConfigSource : IProxyConfigSource
{
    private readonly ProxyOptions _options;
    private readonly WorkloadCredentials _credentials;
    private readonly IConfigApplier _applier;
    private readonly TimeProvider _time;
    private readonly StreamConfigSourceOptions _streamOptions;
    private readonly ILogger<StreamConfigSource> _logger;

    public StreamConfigSource(
        ProxyOptions options,
        IConfigApplier applier,
        TimeProvider time,
        IOptions<StreamConfigSourceOptions> streamOptions,
        ILogger<StreamConfigSource> logger)
    {
        _options = options;
        _credentials = new WorkloadCredentials(options);
        _applier = applier;
        _time = time;
        _streamOptions = streamOptions.Value;
        _logger = logger;
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var address = _options.DiscoveryAddress ?? throw new InvalidOperationException("no discovery address");
        using var channel = DiscoveryChannel.Create(address, _streamOptions.MaxReceiveMessageSize);
        var client = new ConfigDiscovery.ConfigDiscoveryClient(channel);
        var backoff = new ReconnectBackoff(_streamOptions.InitialBackoff, _streamOptions.MaxBackoff, Random.Shared);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await StreamAsync(client, backoff, cancellationToken);
                LogStreamClosed(address);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RpcException or HttpRequestException or IOException or OperationCanceledException)
            {
                LogStreamFailed(address, ex.Message);
            }

            var delay = backoff.Next();
            LogReconnecting(delay.TotalMilliseconds, _applier.CurrentVersion ?? "none");
            await Task.Delay(delay, _time, cancellationToken);
        }
    }

    private async Task StreamAsync(ConfigDiscovery.ConfigDiscoveryClient client, ReconnectBackoff backoff, CancellationToken cancellationToken)
    {
        var headers = await _credentials.CreateMetadataAsync(cancellationToken);
        using var call = client.StreamConfig(headers, cancellationToken: cancellationToken);
        await call.RequestStream.WriteAsync(new ConfigRequest { Node = CreateNode(), VersionInfo = _applier.CurrentVersion ?? "" }, cancellationToken);
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            var response = call.ResponseStream.Current;
            backoff.Reset();

            // With inline socket completions (ProxyOptions.InlineIo) the loop resumes on the socket engine's thread,
            // which serves every connection: building the snapshot of a large config there would stall them all.
            await Task.Yield();
            var result = response.Delta is { } delta
                ? _applier.ApplyDelta(response.VersionInfo, response.Config ?? new ProxyConfig(), delta)
                : _applier.Apply(response.VersionInfo, response.Config ?? new ProxyConfig());
            var answer = new ConfigRequest { VersionInfo = result.Version ?? "", ResponseNonce = response.Nonce };
            if (!result.Accepted)
            {
                answer.ErrorDetail = new ErrorDetail { Code = (int)StatusCode.InvalidArgument, Message = result.Error ?? "rejected" };
            }

            await call.RequestStream.WriteAsync(answer, cancellationToken);
        }
    }

    private Node CreateNode()
    {
        var node = new Node
        {
            Id = _options.NodeId,
            Namespace = _options.Namespace,
            ServiceAccount = _options.ServiceAccount,
            AcceptsDelta = _streamOptions.AcceptDeltas,
        };
        foreach (var (key, value) in _options.Labels.OrderBy(label => label.Key, StringComparer.Ordinal))
        {
            node.Labels[key] = value;
        }

        return node;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Config stream to {Address} closed by the server")]
    private partial void LogStreamClosed(Uri address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Config stream to {Address} failed: {Reason}; the last good config keeps serving")]
    private partial void LogStreamFailed(Uri address, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reconnecting to the control plane in {DelayMs:0} ms (serving version {Version})")]
    private partial void LogReconnecting(double delayMs, string version);
}
