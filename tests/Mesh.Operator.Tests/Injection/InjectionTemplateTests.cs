using Mesh.Operator.Injection;

namespace Mesh.Operator.Tests.Injection;

/// <summary>The template file a ConfigMap supplies: fields it sets win, the rest keep their defaults, mistakes are named.</summary>
public sealed class InjectionTemplateTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("mesh-injection-template-").FullName;

    [Fact]
    public void Yaml_template_overrides_what_it_names_and_keeps_the_defaults()
    {
        var path = Write("template.yaml", """
            proxyImage: registry.example/mesh-proxy:0.2.0
            nativeSidecars: false
            adminPort: 15090
            resources:
              cpuRequest: 50m
              memoryRequest: 64Mi
              cpuLimit: "2"
              memoryLimit: 1Gi
            """);

        var options = InjectionTemplate.Load(path);

        Assert.Equal("registry.example/mesh-proxy:0.2.0", options.ProxyImage);
        Assert.False(options.NativeSidecars);
        Assert.Equal(15090, options.AdminPort);
        Assert.Equal("2", options.Resources.CpuLimit);
        Assert.Equal("50m", options.Resources.CpuRequest);
        Assert.Equal(new InjectionOptions().DiscoveryAddress, options.DiscoveryAddress);
        Assert.Equal(15001, options.OutboundPort);
        Assert.Equal("IfNotPresent", options.ImagePullPolicy);
    }

    [Fact]
    public void Json_template_loads_into_existing_options()
    {
        var path = Write("template.json", """{ "discoveryAddress": "http://operator.mesh:15010", "imagePullPolicy": "Always" }""");
        var options = new InjectionOptions { ProxyImage = "replaced-by-the-file-default" };

        InjectionTemplate.LoadInto(path, options);

        Assert.Equal("http://operator.mesh:15010", options.DiscoveryAddress);
        Assert.Equal("Always", options.ImagePullPolicy);
        Assert.Equal("ghcr.io/mesh/mesh-proxy:0.1.0", options.ProxyImage);
    }

    [Fact]
    public void Tracing_and_the_report_interval_load_and_copy_into_existing_options()
    {
        var path = Write("tracing.yaml", """
            trafficReportInterval: 10s
            tracing:
              zipkinEndpoint: http://zipkin.observability:9411/api/v2/spans
              propagation: b3
            """);
        var options = new InjectionOptions();

        InjectionTemplate.LoadInto(path, options);

        Assert.Equal("10s", options.TrafficReportInterval);
        Assert.Equal("http://zipkin.observability:9411/api/v2/spans", options.Tracing.ZipkinEndpoint);
        Assert.Equal("b3", options.Tracing.Propagation);
        Assert.Null(options.Tracing.OtlpEndpoint);
    }

    [Fact]
    public void Empty_template_is_all_defaults()
        => Assert.Equal(new InjectionOptions().ProxyImage, InjectionTemplate.Load(Write("empty.yaml", "")).ProxyImage);

    [Theory]
    [InlineData("proxyImge: x", "proxyImge")]
    [InlineData("adminPort: many", "adminPort")]
    [InlineData("adminPort: 70000", "ports must be within 1-65535")]
    [InlineData("imagePullPolicy: Sometimes", "imagePullPolicy must be")]
    [InlineData("resources: { cpuRequest: lots }", "resources must hold")]
    [InlineData("discoveryAddress: not a uri", "discoveryAddress must be")]
    [InlineData("- a list", "must be a mapping")]
    [InlineData("proxyImage: [unclosed", "not valid JSON or YAML")]
    [InlineData("tracing: { otlpEndpoint: collector:4318 }", "tracing.otlpEndpoint must be")]
    [InlineData("tracing: { zipkinEndpoint: ftp://zipkin/spans }", "tracing.zipkinEndpoint must be")]
    [InlineData("tracing: { propagation: 'w3c,jaeger' }", "tracing.propagation must be")]
    [InlineData("tracing: { sampling: 1 }", "sampling")]
    [InlineData("trafficReportInterval: often", "trafficReportInterval must be")]
    public void Mistakes_are_errors_naming_the_file_and_field(string text, string expected)
    {
        var path = Write("bad.yaml", text);

        var error = Assert.Throws<InvalidDataException>(() => InjectionTemplate.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_an_error_naming_it()
    {
        var path = Path.Combine(_folder, "absent.yaml");

        var error = Assert.Throws<InvalidDataException>(() => InjectionTemplate.Load(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
