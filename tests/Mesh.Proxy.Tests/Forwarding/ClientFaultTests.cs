using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Mesh.Api.V1;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.Forwarding;

/// <summary>
/// Faults of the downstream client (a hang-up, a malformed body) are the client's, not the endpoint's: Envoy counts
/// only upstream failures against an endpoint, answers a bad body with 400 and logs a hang-up with response code 0.
/// </summary>
public sealed class ClientFaultTests
{
    private const string MalformedChunkedPost =
        "POST / HTTP/1.1\r\nHost: {0}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZZ-not-a-chunk-size\r\n\r\n";

    [Fact]
    public async Task MalformedChunkedBodiesGet400OnTheOutboundListenerAndEjectNothing()
    {
        await using var backend = await TestBackend.StartAsync("healthy");
        await using var proxy = await ProxyUnderTest.StartAsync(EjectingAfterThree(backend));

        for (var i = 0; i < 6; i++)
        {
            var status = await SendRawAsync(proxy.OutboundPort, string.Format(System.Globalization.CultureInfo.InvariantCulture, MalformedChunkedPost, "reviews"));
            Assert.StartsWith("HTTP/1.1 400", status, StringComparison.Ordinal);
        }

        await AssertServingAndNotEjectedAsync(proxy, backend);
    }

    [Fact]
    public async Task MalformedChunkedBodiesGet400OnTheInboundListener()
    {
        await using var app = await TestBackend.StartAsync("app");
        await using var proxy = await ProxyUnderTest.StartAsync(configure: o => o.AppPort = app.Port);

        for (var i = 0; i < 3; i++)
        {
            var status = await SendRawAsync(proxy.InboundPort, string.Format(System.Globalization.CultureInfo.InvariantCulture, MalformedChunkedPost, "app"));
            Assert.StartsWith("HTTP/1.1 400", status, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ClientsHangingUpEarlyEjectNothingAndAreCountedWithResponseCodeZero()
    {
        await using var backend = await TestBackend.StartAsync("slow");
        await using var proxy = await ProxyUnderTest.StartAsync(EjectingAfterThree(backend));
        backend.DelayNext(6, 30_000);

        for (var i = 0; i < 6; i++)
        {
            using var socket = await ConnectAsync(proxy.OutboundPort);
            await socket.SendAsync(Encoding.ASCII.GetBytes("GET / HTTP/1.1\r\nHost: reviews\r\n\r\n"));
            var arrived = i + 1;
            await Eventually.AssertAsync(() => backend.RequestCount >= arrived, "the request reached the backend before the client hung up");
            socket.Close(0);
        }

        await Eventually.AssertAsync(
            async () => (await proxy.Admin.GetStringAsync("/stats/prometheus")).Split('\n')
                .Any(line => line.StartsWith("mesh_requests_total{", StringComparison.Ordinal) && line.Contains("response_code=\"0\"", StringComparison.Ordinal) && line.EndsWith(" 6", StringComparison.Ordinal)),
            "six hang-ups are counted with response code 0");
        await AssertServingAndNotEjectedAsync(proxy, backend);
    }

    [Fact]
    public async Task ClientsHangingUpMidBodyEjectNothing()
    {
        await using var backend = await TestBackend.StartAsync("healthy");
        await using var proxy = await ProxyUnderTest.StartAsync(EjectingAfterThree(backend));

        for (var i = 0; i < 6; i++)
        {
            using var socket = await ConnectAsync(proxy.OutboundPort);
            await socket.SendAsync(Encoding.ASCII.GetBytes("POST / HTTP/1.1\r\nHost: reviews\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"));
            await Eventually.AssertAsync(async () => await ActiveRequestsAsync(proxy) == 1, "the request is being forwarded");
            socket.Close(0);
        }

        await AssertServingAndNotEjectedAsync(proxy, backend);
    }

    private static ProxyConfig EjectingAfterThree(TestBackend backend)
    {
        var config = ConfigFactory.Simple(backend);
        config.Clusters[0].OutlierDetection = new OutlierDetection { Consecutive5XxErrors = 3, MaxEjectionPercent = 100, BaseEjectionTime = ConfigFactory.Ms(60_000) };
        config.VirtualHosts[0].Routes[0].Retries = new RetryPolicy { Attempts = 0 };
        return config;
    }

    private static async Task AssertServingAndNotEjectedAsync(ProxyUnderTest proxy, TestBackend backend)
    {
        // Hang-ups are seen by the proxy asynchronously: wait until none is in flight before judging the endpoint.
        await Eventually.AssertAsync(async () => await ActiveRequestsAsync(proxy) == 0, "no request in flight");
        using var response = await proxy.GetAsync("reviews");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var clusters = JsonDocument.Parse(await proxy.Admin.GetStringAsync("/clusters"));
        var endpoint = clusters.RootElement.GetProperty("clusters")[0].GetProperty("endpoints").EnumerateArray().Single(e => e.GetProperty("port").GetInt32() == backend.Port);
        Assert.False(endpoint.GetProperty("ejected").GetBoolean());
        Assert.Equal(0, endpoint.GetProperty("ejection_count").GetInt32());
    }

    private static async Task<int> ActiveRequestsAsync(ProxyUnderTest proxy)
    {
        using var clusters = JsonDocument.Parse(await proxy.Admin.GetStringAsync("/clusters"));
        return clusters.RootElement.GetProperty("clusters")[0].GetProperty("active_requests").GetInt32();
    }

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        return socket;
    }

    /// <summary>Sends raw bytes and returns the response's status line.</summary>
    private static async Task<string> SendRawAsync(int port, string request)
    {
        using var socket = await ConnectAsync(port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(request));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[4096];
        var received = 0;
        while (received < buffer.Length)
        {
            var n = await socket.ReceiveAsync(buffer.AsMemory(received), timeout.Token);
            if (n == 0)
            {
                break;
            }

            received += n;
            if (Encoding.ASCII.GetString(buffer, 0, received).Contains("\r\n", StringComparison.Ordinal))
            {
                break;
            }
        }

        var text = Encoding.ASCII.GetString(buffer, 0, received);
        var end = text.IndexOf("\r\n", StringComparison.Ordinal);
        return end < 0 ? text : text[..end];
    }
}
