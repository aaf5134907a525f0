using System.Net;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Mesh.Proxy.Tests.Capture;

/// <summary>
/// The injected sidecar seen from outside its pod, in two network namespaces of the test's own: the pod (capture rules
/// as the init container applies them, the real proxy with the injected environment, an app on 127.0.0.1) and another
/// pod on the same network that calls the pod IP and probes the admin port as kubelet does. REDIRECT in PREROUTING
/// delivers inbound traffic to the pod IP, so this proves the listeners' binding as much as the rules.
/// </summary>
[Trait("Category", ProxyProcess.Category)]
public sealed class InboundCaptureTests : IDisposable
{
    /// <summary>What the injection template sets (SidecarTemplate): listeners reachable on the pod IP.</summary>
    private static readonly Dictionary<string, string> InjectedEnvironment = new() { ["MESH_BIND_ADDRESS"] = "0.0.0.0" };

    private readonly string _configFile = Path.Combine(Path.GetTempPath(), $"mesh-inbound-capture-{Guid.NewGuid():N}.json");

    public void Dispose() => File.Delete(_configFile);

    [NetworkNamespaceFact("curl")]
    public async Task Another_pod_reaches_the_app_at_the_pod_ip_through_the_inbound_listener_and_probes_the_admin_port()
    {
        using var pod = NetworkNamespace.Create();
        using var other = pod.CreatePeer();
        await using var app = await TestBackend.StartAsync("app", IPAddress.Loopback, HttpProtocols.Http1, endPoint =>
        {
            var socket = pod.CreateSocket(endPoint.AddressFamily);
            socket.Bind(endPoint);
            return socket;
        });
        using var proxy = StartInjectedProxy(pod, app.Port);

        // kubelet's readiness probe: from outside the pod, to the pod IP, on the admin port the rules leave alone.
        await Eventually.AssertAsync(
            () => Curl(other, $"http://{pod.Address}:15000/ready").Status == 200,
            "the admin port answers a probe on the pod IP from outside the pod", TimeSpan.FromSeconds(30));

        // Another pod calls the app's port on the pod IP: captured to the inbound listener, forwarded to the app.
        var call = Curl(other, $"http://{pod.Address}:{app.Port}/from-another-pod");

        Assert.Equal(200, call.Status);
        Assert.Contains("\"/from-another-pod\"", call.Body, StringComparison.Ordinal);
        Assert.Equal("/from-another-pod", Assert.Single(app.Received).PathAndQuery);
        var metrics = Curl(other, $"http://{pod.Address}:15000/stats/prometheus").Body;
        Assert.Contains("direction=\"inbound\"", metrics, StringComparison.Ordinal);
        Assert.Contains("response_code=\"200\"} 1", metrics, StringComparison.Ordinal);

        // The admin port on the pod IP: reads need a Host naming the pod, state changes a caller inside the pod.
        Assert.Equal(200, Curl(other, $"http://{pod.Address}:15000/config_dump").Status);
        Assert.Equal(403, Curl(other, $"http://{pod.Address}:15000/config_dump", "Host: rebound.example:15000").Status);
        Assert.Equal(403, Curl(other, $"http://{pod.Address}:15000/quitquitquit", "-X", "POST").Status);
        Assert.Equal(200, Curl(other, $"http://{pod.Address}:15000/ready").Status);
    }

    private ProxyProcess StartInjectedProxy(NetworkNamespace pod, int appPort)
    {
        // The init container's rules (SidecarTemplate.Init): the admin port is excluded so that probes reach it.
        var rules = pod.Exec([.. ProxyProcess.Command(), "init-iptables", "--proxy-uid", "0", "--exclude-inbound-ports", "15000"]);
        Assert.True(rules.Code == 0, rules.Output);
        File.WriteAllText(_configFile, """{"version":"inbound-1","config":{}}""");
        return ProxyProcess.Start(
            ["run", "--config-file", _configFile, "--node-id", "default/app", "--app-port", ProxyProcess.Text(appPort)],
            InjectedEnvironment,
            launcher: ["ip", "netns", "exec", pod.Name]);
    }

    /// <summary>curl from inside <paramref name="ns"/>; extra arguments go before the URL (headers as "Name: value").</summary>
    private static (int Status, string Body) Curl(NetworkNamespace ns, string url, params string[] extra)
    {
        string[] command = ["curl", "-sS", "--max-time", "10", "-o", "-", "-w", "\n%{http_code}"];
        foreach (var argument in extra)
        {
            command = argument.Contains(':', StringComparison.Ordinal) ? [.. command, "-H", argument] : [.. command, argument];
        }

        var (code, output) = ns.Exec([.. command, url]);
        if (code != 0)
        {
            return (0, output);
        }

        var lastLine = output.LastIndexOf('\n');
        return (int.Parse(output.AsSpan(lastLine + 1), System.Globalization.CultureInfo.InvariantCulture), output[..lastLine]);
    }
}
