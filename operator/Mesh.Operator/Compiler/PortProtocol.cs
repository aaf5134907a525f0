using k8s.Models;

namespace Mesh.Operator.Compiler;

/// <summary>
/// Istio's protocol selection for a service port: its <c>appProtocol</c>, else its name (<c>PROTOCOL</c> or
/// <c>PROTOCOL-SUFFIX</c>). Opaque protocols are proxied at L4; the others (and unnamed ports) as HTTP.
/// </summary>
internal static class PortProtocol
{
    // Istio treats these as opaque TCP (mongo, mysql and redis are TCP to a sidecar without their protocol filters).
    private static readonly string[] Opaque = ["tcp", "tls", "https", "mongo", "mysql", "redis"];

    // Of the opaque ones, those that start with a TLS ClientHello, so SNI can be read.
    private static readonly string[] Tls = ["tls", "https"];

    /// <summary>True when the port is proxied as opaque bytes.</summary>
    public static bool IsOpaque(V1ServicePort port) => Declared(port, Opaque) is not null;

    /// <summary>True when the port carries TLS (tls, https): TLS routes apply to it.</summary>
    public static bool IsTls(V1ServicePort port) => Declared(port, Tls) is not null;

    private static string? Declared(V1ServicePort port, string[] protocols)
    {
        if (port.AppProtocol is { Length: > 0 } appProtocol)
        {
            return Array.Find(protocols, p => appProtocol.Equals(p, StringComparison.OrdinalIgnoreCase));
        }

        var name = port.Name ?? "";
        return Array.Find(protocols, p =>
            name.StartsWith(p, StringComparison.OrdinalIgnoreCase) && (name.Length == p.Length || name[p.Length] == '-'));
    }
}
