using System.Text.Json;
using System.Text.RegularExpressions;
using Mesh.Testing;
using Mesh.Testing.Manifests;
using Mesh.Testing.Operator;

namespace Mesh.Operator.Tests.ConfigServer;

/// <summary>
/// @grpc/grpc-js, a gRPC implementation nobody here wrote, as a proxy on the real operator's config stream
/// (<c>run --source dir:...</c> on loopback): ACK, NACK with a stale nonce after it, and reconnecting to a restarted
/// operator. What the server made of each answer is read from its <c>/debug/proxies</c> and <c>/metrics</c>.
/// </summary>
public sealed class GrpcJsConfigStreamTests : IAsyncLifetime
{
    private const string NodeId = "default/productpage-1";
    private LocalOperator _operator = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _operator = await LocalOperator.StartAsync(new Dictionary<string, string>
        {
            ["services.yaml"] = ReviewsManifests.Services(19084, 19085),
            ["reviews-vs.yaml"] = ReviewsManifests.Split(80, 20),
        });
        _http = new HttpClient { BaseAddress = _operator.HttpAddress };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _operator.DisposeAsync();
    }

    /// <summary>Opens a grpc-js stream, ACKs its first response and waits until the operator records that ACK.</summary>
    private async Task<(GrpcJsProxy Proxy, JsonElement First)> ConnectAndAckAsync()
    {
        var proxy = GrpcJsProxy.Start(_operator.GrpcAddress, NodeId, _operator.BootstrapTokenFile);
        var first = await proxy.NextAsync("response");
        await proxy.SendAsync("ack");
        await AckedAsync(Version(first));
        return (proxy, first);
    }

    [Fact]
    public async Task A_stream_without_the_bootstrap_token_ends_with_unauthenticated_and_gets_no_config()
    {
        using var proxy = GrpcJsProxy.Start(_operator.GrpcAddress, NodeId, tokenFile: null);

        var ended = await proxy.NextAsync("status");

        Assert.Equal(16, ended.GetProperty("code").GetInt32());
        Assert.Contains("authorization", ended.GetProperty("details").GetString(), StringComparison.Ordinal);
        Assert.False(await proxy.ArrivesWithinAsync("response", TimeSpan.FromMilliseconds(300)), "no config reaches it");
    }

    [Fact]
    public async Task Acks_are_recorded_and_a_manifest_change_is_pushed_on_the_same_stream()
    {
        var (proxy, first) = await ConnectAndAckAsync();
        using var _ = proxy;

        await _operator.WriteAsync("reviews-vs.yaml", ReviewsManifests.Split(50, 50));

        var second = await proxy.NextAsync("response");
        Assert.NotEqual(Version(first), Version(second));
        Assert.Equal(first.GetProperty("stream").GetInt32(), second.GetProperty("stream").GetInt32());
        Assert.True(second.GetProperty("routeCount").GetInt32() > 0);
        Assert.NotEqual(first.GetProperty("nonce").GetString(), second.GetProperty("nonce").GetString());
    }

    [Fact]
    public async Task A_nack_keeps_the_last_acked_version_and_an_answer_to_a_nonce_never_sent_is_ignored()
    {
        var (proxy, good) = await ConnectAndAckAsync();
        using var _ = proxy;

        await _operator.WriteAsync("reviews-vs.yaml", ReviewsManifests.Split(50, 50));
        var rejected = await proxy.NextAsync("response");
        await proxy.SendAsync("nack route reviews-v9 names no cluster");

        await Eventually.AssertAsync(async () => await StatusAsync() is { } s
            && Field(s, "ackedVersion") == Version(good)
            && s.TryGetProperty("lastNack", out var nack)
            && Field(nack, "version") == Version(rejected)
            && Field(nack, "message") == "route reviews-v9 names no cluster"
            && !s.GetProperty("awaitingAnswer").GetBoolean(), "the NACK is recorded and the last good version kept");

        // An ACK of the rejected version under a nonce the server never sent, then a real change and its ACK: the
        // stream's requests are handled in order, so once the real ACK counts, the stale one was seen and ignored.
        await proxy.SendAsync("stale");
        Assert.False(await proxy.ArrivesWithinAsync("response", TimeSpan.FromMilliseconds(300)), "a stale answer gets no response");
        await _operator.WriteAsync("reviews-vs.yaml", ReviewsManifests.Split(60, 40));
        var third = await proxy.NextAsync("response");
        await proxy.SendAsync("ack");
        await AckedAsync(Version(third));
        var metrics = await _http.GetStringAsync("/metrics");
        Assert.Equal(2, Counter(metrics, "ack"));
        Assert.Equal(1, Counter(metrics, "nack"));
    }

    [Fact]
    public async Task Reconnects_to_a_restarted_operator_announcing_the_version_it_has()
    {
        var (proxy, first) = await ConnectAndAckAsync();
        using var _ = proxy;

        var port = _operator.GrpcAddress.Port;
        await _operator.StopKeepingDirectoryAsync();
        var ended = await proxy.NextAsync("status");
        Assert.Equal(14, ended.GetProperty("code").GetInt32());
        _operator = await LocalOperator.StartAsync(_operator.Directory, port, ownsDirectory: true);
        _http.Dispose();
        _http = new HttpClient { BaseAddress = _operator.HttpAddress };

        var again = await proxy.NextAsync("response");
        Assert.True(again.GetProperty("stream").GetInt32() > first.GetProperty("stream").GetInt32());
        Assert.Equal(Version(first), Version(again));

        // The new operator knows the version from the reconnecting request alone, before any ACK on this stream.
        await Eventually.AssertAsync(
            async () => await StatusAsync() is { } s && Field(s, "ackedVersion") == Version(first),
            "the announced version is recorded");
    }

    private static string Version(JsonElement response) => response.GetProperty("versionInfo").GetString()!;

    private Task AckedAsync(string version) => Eventually.AssertAsync(
        async () => await StatusAsync() is { } s && Field(s, "ackedVersion") == version && !s.GetProperty("awaitingAnswer").GetBoolean(),
        $"the ACK of {version} is recorded");

    private async Task<JsonElement?> StatusAsync()
    {
        using var document = JsonDocument.Parse(await _http.GetStringAsync("/debug/proxies"));
        foreach (var proxy in document.RootElement.EnumerateArray())
        {
            if (proxy.GetProperty("id").GetString() == NodeId)
            {
                return proxy.Clone();
            }
        }

        return null;
    }

    private static string? Field(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? value.GetString() : null;

    private static int Counter(string metrics, string result)
    {
        // grpc-js does not ask for deltas: everything it gets is a whole config.
        var match = Regex.Match(metrics, $$"""^mesh_config_pushes_total\{result="{{result}}",type="full"\} (\d+)$""", RegexOptions.Multiline);
        Assert.True(match.Success, $"mesh_config_pushes_total{{result=\"{result}\",type=\"full\"}} is exported");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
