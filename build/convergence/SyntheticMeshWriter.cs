using System.Globalization;
using System.Text;

namespace Mesh.Convergence;

/// <summary>
/// Writes the mesh of the compiler benchmarks (tests/Mesh.Benchmarks/Compiler/SyntheticMesh) as manifests for the
/// operator's directory source: per service a Service, a DestinationRule of 3 subsets and a VirtualService (a header
/// rule to v3, then a weighted v1/v2 split; every tenth also has a sourceLabels-scoped rule), one file per service so
/// that a change rewrites one small file. Proxy j is a WorkloadEntry of service j mod N, version v1 or v2 alternating
/// every N proxies. One namespace-wide MeshPolicy (a rate limit) in ns-0 is the change that affects only that
/// namespace's proxies.
/// </summary>
internal sealed class SyntheticMeshWriter(string directory, int services, int proxies, int namespaces)
{
    public int Services => services;

    public int Proxies => proxies;

    public static string Namespace(int service, int namespaces) => $"ns-{service % namespaces}";

    public string NamespaceOfProxy(int proxy) => Namespace(proxy % services, namespaces);

    public string ProxyName(int proxy) => $"svc-{proxy % services}-p{proxy}";

    public string ProxyVersion(int proxy) => proxy / services % 2 == 0 ? "v1" : "v2";

    public string ProxyApp(int proxy) => $"svc-{proxy % services}";

    public void WriteAll()
    {
        Directory.CreateDirectory(directory);
        for (var i = 0; i < services; i++)
        {
            WriteService(i, v1Weight: 80);
        }

        WriteWorkloads(moved: -1, port: 8080);
        WriteNamespacePolicy(requestsPerSecond: 100);
    }

    /// <summary>
    /// Rewrites every WorkloadEntry, proxy <paramref name="moved"/>'s with <paramref name="port"/> instead of 8080: an
    /// endpoint-only change of its service's clusters (every proxy carries them).
    /// </summary>
    public void WriteWorkloads(int moved, int port)
    {
        var workloads = new StringBuilder();
        for (var j = 0; j < proxies; j++)
        {
            workloads.Append(CultureInfo.InvariantCulture, $"""
                apiVersion: mesh.io/v1alpha1
                kind: WorkloadEntry
                metadata:
                  name: {ProxyName(j)}
                  namespace: {NamespaceOfProxy(j)}
                spec:
                  address: 10.{j / 62500 % 256}.{j / 250 % 250}.{(j % 250) + 1}
                  ports:
                    http: {(j == moved ? port : 8080)}
                  labels:
                    app: {ProxyApp(j)}
                    version: {ProxyVersion(j)}
                  serviceAccount: {ProxyApp(j)}
                ---

                """);
        }

        WriteAtomically("workloads.yaml", workloads.ToString());
    }

    // Written beside the target and renamed over it, as the README advises: the directory source takes a renamed file
    // at once, where a file written in place waits for its quiet period (and could be read half written).
    private void WriteAtomically(string file, string text)
    {
        var temporary = Path.Combine(directory, "." + file + ".tmp");
        File.WriteAllText(temporary, text);
        File.Move(temporary, Path.Combine(directory, file), overwrite: true);
    }

    /// <summary>Rewrites service <paramref name="service"/>'s file with a v1/v2 split of <paramref name="v1Weight"/>/rest.</summary>
    public void WriteService(int service, int v1Weight)
    {
        var name = $"svc-{service}";
        var ns = Namespace(service, namespaces);
        var scoped = service % 10 != 0 ? "" : $"""
                - name: from-canaries
                  match:
                    - sourceLabels:
                        app: svc-{(service + 1) % services}
                        version: v2
                  route:
                    - destination:
                        host: {name}
                        subset: v2

            """;
        var yaml = $"""
            apiVersion: v1
            kind: Service
            metadata:
              name: {name}
              namespace: {ns}
            spec:
              selector:
                app: {name}
              ports:
                - name: http
                  port: 8080
            ---
            apiVersion: mesh.io/v1alpha1
            kind: DestinationRule
            metadata:
              name: {name}
              namespace: {ns}
            spec:
              host: {name}
              trafficPolicy:
                outlierDetection:
                  consecutive5xxErrors: 3
              subsets:
                - name: v1
                  labels:
                    version: v1
                - name: v2
                  labels:
                    version: v2
                - name: v3
                  labels:
                    version: v3
            ---
            apiVersion: mesh.io/v1alpha1
            kind: VirtualService
            metadata:
              name: {name}
              namespace: {ns}
            spec:
              hosts:
                - {name}
              http:
            {scoped}    - name: tester
                  match:
                    - headers:
                        end-user:
                          exact: tester
                  route:
                    - destination:
                        host: {name}
                        subset: v3
                - name: split
                  timeout: 2s
                  route:
                    - destination:
                        host: {name}
                        subset: v1
                      weight: {v1Weight}
                    - destination:
                        host: {name}
                        subset: v2
                      weight: {100 - v1Weight}

            """;
        WriteAtomically(name + ".yaml", yaml);
    }

    /// <summary>Rewrites the MeshPolicy that rate-limits every workload of ns-0.</summary>
    public void WriteNamespacePolicy(int requestsPerSecond) =>
        WriteAtomically("policy-ns-0.yaml", $"""
            apiVersion: mesh.io/v1alpha1
            kind: MeshPolicy
            metadata:
              name: rate-limit
              namespace: ns-0
            spec:
              rateLimit:
                requestsPerSecond: {requestsPerSecond}
                burst: {requestsPerSecond * 2}

            """);
}
