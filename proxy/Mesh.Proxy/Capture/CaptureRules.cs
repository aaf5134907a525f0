using System.Globalization;
using System.Net;
using System.Text;

namespace Mesh.Proxy.Capture;

/// <summary>
/// The traffic-capture rules the injected <c>mesh-init</c> container applies in the pod's network namespace (nat
/// table, IPv4): inbound TCP is redirected to the inbound listener, outbound TCP to the outbound listener. The proxy's
/// own traffic (its uid and gid) is never captured, nor loopback destinations, nor the excluded ports and ranges.
/// </summary>
internal sealed record CaptureRules(
    int ProxyUid,
    int ProxyGid,
    int OutboundPort,
    int InboundPort,
    IReadOnlyList<int> ExcludeInboundPorts,
    IReadOnlyList<int> ExcludeOutboundPorts,
    IReadOnlyList<IPNetwork> ExcludeOutboundRanges)
{
    /// <summary>The rules as <c>iptables-restore --noflush</c> input: new chains, hooked into PREROUTING and OUTPUT.</summary>
    public string ToIptablesRestore()
    {
        var text = new StringBuilder();
        text.Append("*nat\n");
        text.Append(":MESH_INBOUND - [0:0]\n:MESH_IN_REDIRECT - [0:0]\n:MESH_OUTPUT - [0:0]\n:MESH_REDIRECT - [0:0]\n");
        Rule(text, $"-A MESH_IN_REDIRECT -p tcp -j REDIRECT --to-ports {Port(InboundPort)}");
        Rule(text, $"-A MESH_REDIRECT -p tcp -j REDIRECT --to-ports {Port(OutboundPort)}");

        Rule(text, "-A PREROUTING -p tcp -j MESH_INBOUND");
        foreach (var port in ExcludeInboundPorts.Distinct().Order())
        {
            Rule(text, $"-A MESH_INBOUND -p tcp --dport {Port(port)} -j RETURN");
        }

        Rule(text, "-A MESH_INBOUND -p tcp -j MESH_IN_REDIRECT");

        Rule(text, "-A OUTPUT -p tcp -j MESH_OUTPUT");

        // The proxy's own connections, to the app and to upstreams, must leave as they are.
        Rule(text, $"-A MESH_OUTPUT -m owner --uid-owner {ProxyUid.ToString(CultureInfo.InvariantCulture)} -j RETURN");
        Rule(text, $"-A MESH_OUTPUT -m owner --gid-owner {ProxyGid.ToString(CultureInfo.InvariantCulture)} -j RETURN");
        Rule(text, "-A MESH_OUTPUT -d 127.0.0.1/32 -j RETURN");
        foreach (var port in ExcludeOutboundPorts.Distinct().Order())
        {
            Rule(text, $"-A MESH_OUTPUT -p tcp --dport {Port(port)} -j RETURN");
        }

        foreach (var range in ExcludeOutboundRanges.Distinct())
        {
            Rule(text, $"-A MESH_OUTPUT -d {range} -j RETURN");
        }

        Rule(text, "-A MESH_OUTPUT -j MESH_REDIRECT");
        text.Append("COMMIT\n");
        return text.ToString();
    }

    private static void Rule(StringBuilder text, string rule) => text.Append(rule).Append('\n');

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
