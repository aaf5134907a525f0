using k8s.Models;
using Mesh.Api.V1;
using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Cli;

/// <summary>
/// <c>compile PATH... --proxy NAMESPACE/NAME</c>: prints <c>{"version":"...","config":{...}}</c> for the proxy of a
/// WorkloadEntry or Pod in the manifests. Problems in the manifests go to stderr; invalid resources are left out.
/// </summary>
internal static class CompileCommand
{
    public static int Run(IEnumerable<string> paths, string proxy, TextWriter output, TextWriter error)
    {
        var set = ManifestLoader.LoadPaths(paths);
        var compiled = MeshCompiler.Compile(set.ToSnapshot());
        foreach (var (line, isError) in ProblemFormatter.FormatAll(set, compiled.Diagnostics))
        {
            if (isError)
            {
                error.WriteLine(line);
            }
        }

        var node = FindNode(set, proxy);
        if (node is null)
        {
            error.WriteLine($"no WorkloadEntry or Pod '{proxy}' in the manifests (expected NAMESPACE/NAME)");
            return 1;
        }

        output.WriteLine(ProxyConfigJson.Format(compiled.ConfigFor(node)));
        return 0;
    }

    /// <summary>The Node a workload's proxy would announce; NAME alone means the default namespace.</summary>
    public static Node? FindNode(ManifestSet set, string proxy)
    {
        var slash = proxy.IndexOf('/', StringComparison.Ordinal);
        var ns = slash < 0 ? ManifestLoader.DefaultNamespace : proxy[..slash];
        var name = slash < 0 ? proxy : proxy[(slash + 1)..];
        var match = set.Resources.FirstOrDefault(r => r.Ref.Namespace == ns && r.Ref.Name == name && r.Object is WorkloadEntry)
            ?? set.Resources.FirstOrDefault(r => r.Ref.Namespace == ns && r.Ref.Name == name && r.Object is V1Pod);
        var workload = match?.Object switch
        {
            WorkloadEntry entry => Workload.FromEntry(entry),
            V1Pod pod => Workload.FromPod(pod),
            _ => null,
        };
        if (workload is null)
        {
            return null;
        }

        var node = new Node
        {
            Id = workload.Id,
            Namespace = workload.Namespace,
            ServiceAccount = workload.ServiceAccount,
            Ip = workload.Address ?? "",
        };
        foreach (var (key, value) in workload.Labels.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            node.Labels.Add(key, value);
        }

        return node;
    }
}
