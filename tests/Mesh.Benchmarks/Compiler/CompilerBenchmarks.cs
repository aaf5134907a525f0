using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Mesh.Api.V1;
using Mesh.Operator.Compiler;

namespace Mesh.Benchmarks.Compiler;

/// <summary>
/// The compiler at scale: 1,000 services × 3 subsets, 1,000 VirtualServices, 2,000 proxies in 100 namespaces.
/// Goals: the shared part in ≤ 50 ms, one proxy's config in ≤ 1 ms, and memory for 2,000 proxies that grows with what
/// differs between them rather than with their count.
/// </summary>
[MemoryDiagnoser]
public class CompilerBenchmarks
{
    private MeshSnapshot _snapshot = MeshSnapshot.Empty;
    private List<Node> _proxies = [];
    private CompiledMesh _mesh = MeshCompiler.Compile(MeshSnapshot.Empty);
    private CompiledProxyConfig _config = null!;
    private MeshSnapshot _endpointChanged = MeshSnapshot.Empty;
    private int _counter;

    [GlobalSetup]
    public void Setup()
    {
        _snapshot = SyntheticMesh.Create(services: 1_000, namespaces: 100);
        _proxies = SyntheticMesh.Proxies(_snapshot);
        _mesh = MeshCompiler.Compile(_snapshot);
        _config = _mesh.ConfigFor(_proxies[0]);
        _endpointChanged = SyntheticMesh.WithEntryPort(_snapshot, index: 0, port: 9080);
    }

    /// <summary>Validation, endpoints, clusters, route tables and the per-namespace virtual hosts: once per snapshot.</summary>
    [Benchmark]
    public CompiledMesh BuildShared() => MeshCompiler.Compile(_snapshot);

    /// <summary>
    /// The most frequent change in a real cluster: one endpoint moved (a WorkloadEntry's port), compiled with the
    /// compile before it given, as the reconciler does.
    /// </summary>
    [Benchmark]
    public CompiledMesh RecompileAfterEndpointChange() => MeshCompiler.Compile(_endpointChanged, previous: _mesh);

    /// <summary>
    /// A proxy joining a namespace whose outbound part exists: its inbound side and version (a new pod of an existing
    /// workload, with a label no other proxy has, so nothing is cached for it).
    /// </summary>
    [Benchmark]
    public CompiledProxyConfig AssembleOneProxy()
    {
        var node = _proxies[_counter++ % _proxies.Count].Clone();
        node.Labels["pod-template-hash"] = _counter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return _mesh.ConfigFor(node);
    }

    /// <summary>The first proxy of a namespace: its outbound part (1,000 virtual hosts) is assembled too.</summary>
    [Benchmark]
    public CompiledProxyConfig AssembleFirstProxyOfANamespace()
    {
        var node = _proxies[0].Clone();
        node.Namespace = "new-" + (_counter++).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return _mesh.ConfigFor(node);
    }

    /// <summary>What the config server does per push: the message assembled and serialized.</summary>
    [Benchmark]
    public byte[] SerializeOneProxy() => _config.ToProxyConfig().ToByteArray();

    /// <summary>The whole snapshot: the shared part plus all 2,000 proxies' configs (compare with BuildShared).</summary>
    [Benchmark]
    public int BuildSharedAndAllProxies()
    {
        var mesh = MeshCompiler.Compile(_snapshot);
        var versions = 0;
        foreach (var proxy in _proxies)
        {
            versions += mesh.ConfigFor(proxy).Version.Length;
        }

        return versions;
    }
}
