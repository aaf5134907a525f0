using System.Net.Sockets;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing.Operator;
using Eventually = Mesh.Testing.Eventually;

namespace Mesh.Proxy.Tests.EndToEnd;

/// <summary>
/// tcp routes end to end: the real operator reads them from a directory, the real proxy takes them over the config
/// stream, and connections follow an edit of the VirtualService.
/// </summary>
public sealed class TcpRoutesEndToEndTests
{
    [Fact]
    public async Task Editing_a_tcp_route_moves_new_connections_to_the_other_subset()
    {
        await using var v1 = TcpEchoBackend.Start("echo-v1");
        await using var v2 = TcpEchoBackend.Start("echo-v2");
        var service = CompiledManifests.Service("echo", [("tcp-echo", 9000)], [(v1.Name, v1.Port, ", version: v1"), (v2.Name, v2.Port, ", version: v2")]);
        await using var controlPlane = await LocalOperator.StartAsync(new Dictionary<string, string>
        {
            ["echo.yaml"] = service + Subsets,
            ["echo-vs.yaml"] = RouteTo("v1"),
        });
        await using var proxy = await ProxyUnderTest.StartAsync(configure: options =>
        {
            options.DiscoveryAddress = controlPlane.GrpcAddress;
            options.BootstrapTokenFile = controlPlane.BootstrapTokenFile;
            options.NodeId = "default/client-1";
            options.Labels = new Dictionary<string, string> { ["app"] = "client" };
        });

        await Eventually.AssertAsync(async () => await ServedByAsync(proxy) == "echo-v1", "the first config routes echo to v1");
        await controlPlane.WriteAsync("echo-vs.yaml", RouteTo("v2"));

        await Eventually.AssertAsync(async () => await ServedByAsync(proxy) == "echo-v2", "the edited route sends new connections to v2", TimeSpan.FromSeconds(20));
    }

    private const string Subsets = """
        ---
        apiVersion: mesh.io/v1alpha1
        kind: DestinationRule
        metadata: { name: echo, namespace: default }
        spec:
          host: echo
          subsets: [{ name: v1, labels: { version: v1 } }, { name: v2, labels: { version: v2 } }]

        """;

    private static string RouteTo(string subset) => $$"""
        apiVersion: mesh.io/v1alpha1
        kind: VirtualService
        metadata: { name: echo, namespace: default }
        spec:
          hosts: [echo]
          tcp:
          - route: [{ destination: { host: echo, subset: {{subset}} } }]

        """;

    // Before the first config the tunnel is refused (no L4 listener yet): that is "not served yet", not a failure.
    private static async Task<string> ServedByAsync(ProxyUnderTest proxy)
    {
        var (status, socket) = await TcpTunnel.OpenAsync(proxy.OutboundPort, "echo:9000");
        if (socket is null)
        {
            return status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        using (socket)
        {
            await using var stream = new NetworkStream(socket);
            return await TcpTunnel.ReadLineAsync(stream);
        }
    }
}
