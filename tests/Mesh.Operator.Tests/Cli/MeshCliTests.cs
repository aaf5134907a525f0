using System.Text.Json.Nodes;
using Google.Protobuf;
using Mesh.Api.V1;
using Mesh.Operator.Cli;

namespace Mesh.Operator.Tests.Cli;

public sealed class MeshCliTests : IDisposable
{
    private const string Service = """
        apiVersion: v1
        kind: Service
        metadata: {name: reviews, namespace: default}
        spec:
          selector: {app: reviews}
          ports: [{name: http, port: 9080}]
        ---
        apiVersion: mesh.io/v1alpha1
        kind: WorkloadEntry
        metadata: {name: reviews-1, namespace: default}
        spec: {address: 127.0.0.1, ports: {http: 9084}, labels: {app: reviews}, serviceAccount: reviews}

        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("mesh-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Analyze_of_valid_manifests_prints_nothing_and_exits_0()
    {
        var file = Write("ok.yaml", Service);

        var (code, output, _) = Run("analyze", file);

        Assert.Equal((0, ""), (code, output));
    }

    [Fact]
    public void Analyze_prints_one_line_per_problem_with_file_line_resource_and_path_and_exits_1()
    {
        var file = Write("bad.yaml", Service + """
            ---
            apiVersion: mesh.io/v1alpha1
            kind: VirtualService
            metadata: {name: reviews, namespace: default}
            spec:
              hosts: [reviews]
              http:
              - route:
                - destination: {host: reviews, subset: v2}
              - route:
                - destination: {host: api.example.com}
            """);

        var (code, output, _) = Run("analyze", file);

        Assert.Equal(1, code);
        Assert.Equal(
            [
                $"{file}:20: VirtualService default/reviews: spec.http[0].route[0].destination.subset: unknown subset 'v2': no DestinationRule defines subsets for reviews.default.svc.cluster.local",
                $"{file}:21: VirtualService default/reviews: spec.http[1]: warning: this rule is never used: rule #0 before it has no matches and takes every request",
                $"{file}:22: VirtualService default/reviews: spec.http[1].route[0].destination.host: warning: host 'api.example.com' is not a service in the mesh; traffic is sent to it directly",
            ],
            output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Analyze_with_only_warnings_exits_0()
    {
        var file = Write("warn.yaml", Service + """
            ---
            apiVersion: mesh.io/v1alpha1
            kind: MeshPolicy
            metadata: {name: nobody, namespace: default}
            spec:
              selector: {matchLabels: {app: nobody}}
            """);

        var (code, output, _) = Run("analyze", _dir.FullName);

        Assert.Equal(0, code);
        Assert.Equal($"{file}:17: MeshPolicy default/nobody: spec.selector.matchLabels: warning: selects no workload", output.Trim());
    }

    [Fact]
    public void Analyze_reports_unreadable_yaml_with_its_line()
    {
        var file = Write("broken.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: [x\n");

        var (code, output, _) = Run("analyze", file);

        Assert.Equal(1, code);
        Assert.Matches($"^{System.Text.RegularExpressions.Regex.Escape(file)}:[0-9]+: invalid YAML", output);
    }

    [Fact]
    public void Compile_prints_the_version_and_the_config_as_protobuf_json()
    {
        var file = Write("ok.yaml", Service);

        var (code, output, _) = Run("compile", file, "--proxy", "default/reviews-1");

        Assert.Equal(0, code);
        var document = JsonNode.Parse(output)!.AsObject();
        Assert.Equal(["version", "config"], document.Select(p => p.Key));
        Assert.Matches("^[0-9a-f]{16}$", document["version"]!.GetValue<string>());
        var config = JsonParser.Default.Parse<ProxyConfig>(document["config"]!.ToJsonString());
        var cluster = Assert.Single(config.Clusters);
        Assert.Equal("outbound|9080||reviews.default.svc.cluster.local", cluster.Name);
        Assert.Equal(("127.0.0.1", 9084u), (cluster.Endpoints[0].Address, cluster.Endpoints[0].Port));
        Assert.Equal(["reviews.default.svc.cluster.local"], config.Inbound.Services);
    }

    [Fact]
    public void Compile_of_an_unknown_proxy_exits_1_with_a_message()
    {
        var file = Write("ok.yaml", Service);

        var (code, _, error) = Run("compile", file, "--proxy", "default/nobody");

        Assert.Equal(1, code);
        Assert.Contains("no WorkloadEntry or Pod 'default/nobody'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_without_proxy_is_a_usage_error()
    {
        var file = Write("ok.yaml", Service);

        var (code, _, error) = Run("compile", file);

        Assert.NotEqual(0, code);
        Assert.Contains("--proxy", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--source is required", "run")]
    [InlineData("neither 'kube' nor 'dir:PATH'", "run", "--source", "bogus")]
    [InlineData("does not exist", "run", "--source", "dir:/no/such/mesh/dir")]
    [InlineData("--log-level", "run", "--source", "dir:.", "--log-level", "loud")]
    [InlineData("--grpc-port: 99999 is not a port", "run", "--source", "dir:.", "--grpc-port", "99999")]
    [InlineData("--http-port: -1 is not a port", "run", "--source", "dir:.", "--http-port", "-1")]
    [InlineData("--webhook-port: 65536 is not a port", "run", "--source", "dir:.", "--webhook-port", "65536")]
    [InlineData("--listen-address: 'localhost:1' is not an IP address", "run", "--source", "dir:.", "--listen-address", "localhost:1")]
    public void Run_with_an_unusable_command_line_is_a_usage_error(string message, params string[] args)
    {
        var (code, _, error) = Run(args);

        Assert.Equal(MeshCli.UsageExitCode, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir.FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = MeshCli.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
