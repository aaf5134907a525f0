using System.Collections.Concurrent;
using Google.Protobuf;
using Mesh.Api.V1;

namespace Mesh.Operator.Compiler;

/// <summary>
/// One opaque (TCP or TLS) service port with its compiled L4 routes, and the listeners built from it: the bare
/// service name selects it only for proxies in the service's namespace (as Kubernetes DNS resolves it), and routes
/// scoped by sourceLabels or sourceNamespace make further variants. Each variant is built once and shared.
/// </summary>
internal sealed class TcpListenerEntry
{
    private readonly ConcurrentDictionary<(bool SameNamespace, string Scope), L4Listener> _variants = new();
    private readonly bool _conditional;

    public TcpListenerEntry(MeshService service, int port, bool tls, IReadOnlyList<L4RouteTemplate> routes)
    {
        Service = service;
        Port = port;
        Tls = tls;
        Routes = routes;
        _conditional = routes.Any(r => r.IsConditional);
    }

    public MeshService Service { get; }

    public int Port { get; }

    public bool Tls { get; }

    public IReadOnlyList<L4RouteTemplate> Routes { get; }

    public string Name => $"{Service.Fqdn}:{Port}";

    /// <summary>The listener as a proxy in namespace <paramref name="ns"/> that matched <paramref name="matched"/> sees it.</summary>
    public L4Listener For(string ns, int[] matched)
    {
        var sameNamespace = Service.Namespace == ns;
        var scope = _conditional ? $"{ns}|{string.Join(",", matched)}" : "";
        return _variants.GetOrAdd((sameNamespace, scope), key => Build(key.SameNamespace, ns, matched));
    }

    private L4Listener Build(bool sameNamespace, string ns, int[] matched)
    {
        var listener = new L4Listener { Name = Name, Port = (uint)Port, Tls = Tls };
        if (sameNamespace)
        {
            listener.Hosts.Add(Service.Name);
        }

        listener.Hosts.Add($"{Service.Name}.{Service.Namespace}");
        listener.Hosts.Add($"{Service.Name}.{Service.Namespace}.svc");
        listener.Hosts.Add(Service.Fqdn);
        if (Service.ClusterIp is { } ip)
        {
            listener.Hosts.Add(ip);
        }

        foreach (var template in Routes)
        {
            if (template.For(ns, matched) is { } route)
            {
                listener.Routes.Add(route);
            }
        }

        return listener;
    }
}

/// <summary>The listeners of one proxy and their encoding as ProxyConfig field 6 (every listener in order).</summary>
internal sealed record TcpListenerPart(L4Listener[] Listeners, byte[] Field)
{
    public static readonly TcpListenerPart Empty = new([], []);

    public static TcpListenerPart Of(L4Listener[] listeners)
    {
        if (listeners.Length == 0)
        {
            return Empty;
        }

        var config = new ProxyConfig();
        config.TcpListeners.AddRange(listeners);
        return new TcpListenerPart(listeners, config.ToByteArray());
    }
}
