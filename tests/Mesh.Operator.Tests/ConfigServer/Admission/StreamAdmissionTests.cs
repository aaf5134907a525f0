using Grpc.Core;
using Grpc.Net.Client;
using Mesh.Api.V1;
using Mesh.Operator.ConfigServer.Admission;
using Mesh.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Operator.Tests.ConfigServer.Admission;

/// <summary>
/// Who may open a config stream and how many, over real h2c sockets: the bootstrap token and claimed identity of
/// local mode (kube mode's TokenReview is in KubeModeTests), the Node checked against that identity, the limits.
/// </summary>
public sealed class StreamAdmissionTests
{
    [Fact]
    public async Task A_stream_without_credentials_or_with_a_wrong_token_ends_unauthenticated_and_is_never_served()
    {
        await using var host = await ConfigStreamHost.StartAsync();
        using var channel = GrpcChannel.ForAddress(host.Address);
        host.Publish(_ => ConfigStreamHost.Config("secret-routes"));

        using var anonymous = await FakeProxyStream.OpenAsync(channel, FakeProxyStream.Hello("default/a"), new Metadata());
        using var forged = await FakeProxyStream.OpenAsync(channel, FakeProxyStream.Hello("default/a"), StreamCredentials.Bootstrap("not-the-token"));

        var noCredentials = await anonymous.ReadUntilFailureAsync();
        Assert.Equal(StatusCode.Unauthenticated, noCredentials.StatusCode);
        Assert.Contains("authorization", noCredentials.Status.Detail, StringComparison.Ordinal);
        var wrongToken = await forged.ReadUntilFailureAsync();
        Assert.Equal(StatusCode.Unauthenticated, wrongToken.StatusCode);
        Assert.DoesNotContain("not-the-token", wrongToken.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, host.Registry.Count);
    }

    [Theory]
    [InlineData("shop", "default", "default/a", "node.namespace 'shop'")]
    [InlineData("default", "admin", "default/a", "node.service_account 'admin'")]
    [InlineData("default", "default", "shop/reviews-1", "node.id 'shop/reviews-1' names namespace 'shop'")]
    public async Task A_node_that_names_another_workload_than_the_callers_identity_is_permission_denied_naming_the_field(
        string nodeNamespace, string nodeServiceAccount, string nodeId, string expected)
    {
        await using var host = await ConfigStreamHost.StartAsync();
        using var channel = GrpcChannel.ForAddress(host.Address);
        host.Publish(_ => ConfigStreamHost.Config("theirs"));
        var hello = new ConfigRequest { Node = new Node { Id = nodeId, Namespace = nodeNamespace, ServiceAccount = nodeServiceAccount } };

        using var proxy = await FakeProxyStream.OpenAsync(channel, hello, ConfigStreamHost.Credentials("default", "default"));

        var failure = await proxy.ReadUntilFailureAsync();
        Assert.Equal(StatusCode.PermissionDenied, failure.StatusCode);
        Assert.Contains(expected, failure.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, host.Registry.Count);
    }

    [Fact]
    public async Task A_node_without_namespace_or_service_account_is_served_as_the_callers_identity()
    {
        await using var host = await ConfigStreamHost.StartAsync();
        using var channel = GrpcChannel.ForAddress(host.Address);
        host.Publish(_ => ConfigStreamHost.Config("mine"));

        using var proxy = await FakeProxyStream.OpenAsync(channel, new ConfigRequest { Node = new Node { Id = "shop/a" } }, ConfigStreamHost.Credentials("shop", "reviews"));

        Assert.Equal("v-mine", (await proxy.ReceiveAsync()).VersionInfo);
        var status = host.Registry.Connections.Single().Node;
        Assert.Equal(("shop", "reviews"), (status.Namespace, status.ServiceAccount));
    }

    [Fact]
    public async Task Streams_beyond_the_per_identity_or_total_limit_get_resource_exhausted_and_the_others_keep_streaming()
    {
        await using var host = await ConfigStreamHost.StartAsync(o => (o.MaxStreamsPerIdentity, o.MaxStreams) = (2, 3));
        using var channel = GrpcChannel.ForAddress(host.Address);
        host.Publish(_ => ConfigStreamHost.Config("one"));
        using var a1 = await ConnectedAsync(channel, "default/a1", "default", "a");
        using var a2 = await ConnectedAsync(channel, "default/a2", "default", "a");

        using var a3 = await FakeProxyStream.OpenAsync(channel, FakeProxyStream.Hello("default/a3"), ConfigStreamHost.Credentials("default", "a"));
        var perIdentity = await a3.ReadUntilFailureAsync();
        Assert.Equal(StatusCode.ResourceExhausted, perIdentity.StatusCode);
        Assert.Contains("MaxStreamsPerIdentity", perIdentity.Status.Detail, StringComparison.Ordinal);

        using var b1 = await ConnectedAsync(channel, "default/b1", "default", "b");
        using var b2 = await FakeProxyStream.OpenAsync(channel, FakeProxyStream.Hello("default/b2"), ConfigStreamHost.Credentials("default", "b"));
        var total = await b2.ReadUntilFailureAsync();
        Assert.Equal(StatusCode.ResourceExhausted, total.StatusCode);
        Assert.Contains("MaxStreams", total.Status.Detail, StringComparison.Ordinal);

        host.Publish(_ => ConfigStreamHost.Config("two"));
        foreach (var proxy in new[] { a1, a2, b1 })
        {
            Assert.Equal("v-two", (await proxy.ReceiveAsync()).VersionInfo);
        }
    }

    [Fact]
    public async Task A_new_stream_from_the_same_node_supersedes_the_old_one_so_reconnects_do_not_pile_up_against_the_limit()
    {
        await using var host = await ConfigStreamHost.StartAsync(o => o.MaxStreamsPerIdentity = 2);
        using var channel = GrpcChannel.ForAddress(host.Address);
        host.Publish(_ => ConfigStreamHost.Config("one"));
        var previous = await ConnectedAsync(channel, "default/a", "default", "default");

        // Ten reconnects that never close their old stream, as after a half-open connection, with room for two.
        for (var i = 0; i < 10; i++)
        {
            var next = await ConnectedAsync(channel, "default/a", "default", "default");
            var superseded = await previous.ReadUntilFailureAsync();
            Assert.Equal(StatusCode.Unavailable, superseded.StatusCode);
            Assert.Contains("superseded", superseded.Status.Detail, StringComparison.Ordinal);
            previous.Dispose();
            previous = next;
            await Eventually.AssertAsync(() => host.Registry.Count == 1, "the superseded stream is gone");
        }

        using var last = previous;
        host.Publish(_ => ConfigStreamHost.Config("two"));
        Assert.Equal("v-two", (await last.ReceiveAsync()).VersionInfo);
    }

    [Fact]
    public async Task A_stream_that_sends_no_first_request_is_ended_after_the_timeout_and_frees_its_slot()
    {
        await using var host = await ConfigStreamHost.StartAsync(o => o.FirstRequestTimeout = TimeSpan.FromMilliseconds(300));
        using var channel = GrpcChannel.ForAddress(host.Address);
        var limiter = host.Services.GetRequiredService<StreamLimiter>();
        host.Publish(_ => ConfigStreamHost.Config("one"));

        using var silent = new ConfigDiscovery.ConfigDiscoveryClient(channel).StreamConfig(ConfigStreamHost.Credentials());
        var ended = await Assert.ThrowsAsync<RpcException>(() => silent.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(StatusCode.DeadlineExceeded, ended.StatusCode);
        Assert.Contains("FirstRequestTimeout", ended.Status.Detail, StringComparison.Ordinal);
        await Eventually.AssertAsync(() => limiter.Count == 0, "the silent stream's slot is freed");
        using var proxy = await ConnectedAsync(channel, "default/a", "default", "default");
        await Eventually.AssertAsync(() => limiter.Count == 1, "a proxy that says hello at once is counted and kept");
    }

    private static async Task<FakeProxyStream> ConnectedAsync(GrpcChannel channel, string nodeId, string @namespace, string serviceAccount)
    {
        var hello = new ConfigRequest { Node = new Node { Id = nodeId, Namespace = @namespace, ServiceAccount = serviceAccount } };
        var proxy = await FakeProxyStream.OpenAsync(channel, hello, ConfigStreamHost.Credentials(@namespace, serviceAccount));
        await proxy.AckAsync(await proxy.ReceiveAsync());
        return proxy;
    }
}
