using Mesh.Api.V1;
using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;

namespace Mesh.Proxy.Tests.Fixtures;

/// <summary>Compiles manifests with the operator's real compiler into the config a given workload's proxy gets.</summary>
public static class CompiledManifests
{
    /// <summary>The config of the proxy of <paramref name="nodeId"/> ("NAMESPACE/NAME") with <paramref name="labels"/>; any error fails the test.</summary>
    public static ProxyConfig For(string yaml, string nodeId = "default/client", IReadOnlyDictionary<string, string>? labels = null)
    {
        var set = ManifestLoader.LoadText("test.yaml", yaml);
        Assert.Empty(set.Problems);
        var mesh = MeshCompiler.Compile(set.ToSnapshot());
        Assert.Empty(mesh.Diagnostics.Where(d => d.IsError).Select(d => d.ToString()));
        var node = new Node { Id = nodeId, Namespace = nodeId.Split('/')[0] };
        foreach (var (key, value) in labels ?? new Dictionary<string, string>())
        {
            node.Labels.Add(key, value);
        }

        return mesh.ConfigFor(node).ToProxyConfig();
    }

    /// <summary>A Service <paramref name="name"/> with the named ports and one WorkloadEntry per backend (all its ports on the backend's port).</summary>
    public static string Service(string name, IReadOnlyList<(string Name, int Port)> ports, IEnumerable<(TestBackend Backend, string ExtraLabels)> backends) =>
        Service(name, ports, backends.Select(b => (b.Backend.Name, b.Backend.Port, b.ExtraLabels)));

    /// <summary>As above, for workloads given by name and port (e.g. a port nothing listens on).</summary>
    public static string Service(string name, IReadOnlyList<(string Name, int Port)> ports, IEnumerable<(string Name, int Port, string ExtraLabels)> workloads)
    {
        var text = $$"""
            apiVersion: v1
            kind: Service
            metadata: { name: {{name}}, namespace: default }
            spec:
              selector: { app: {{name}} }
              ports: [{{string.Join(", ", ports.Select(p => $"{{ name: {p.Name}, port: {p.Port} }}"))}}]

            """;
        foreach (var (workload, port, extra) in workloads)
        {
            var entryPorts = string.Join(", ", ports.Select(p => $"{p.Name}: {port}"));
            text += $$"""
                ---
                apiVersion: mesh.io/v1alpha1
                kind: WorkloadEntry
                metadata: { name: {{workload}}, namespace: default }
                spec: { address: 127.0.0.1, ports: { {{entryPorts}} }, labels: { app: {{name}}{{extra}} } }

                """;
        }

        return text;
    }

    /// <summary>A loopback port nothing listens on: connecting to it is refused.</summary>
    public static int UnusedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
