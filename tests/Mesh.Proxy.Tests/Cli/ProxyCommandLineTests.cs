using Mesh.Proxy.Cli;
using Mesh.Proxy.Telemetry;

namespace Mesh.Proxy.Tests.Cli;

public sealed class ProxyCommandLineTests
{
    [Fact]
    public void FlagsBindToOptionsAndBadValuesAreReportedWithTheirName()
    {
        var flags = new ProxyFlags();
        var root = new System.CommandLine.RootCommand();
        flags.AddTo(root);

        var parsed = root.Parse(["--outbound-port", "16001", "--labels", "app=reviews,version=v1", "--drain-timeout", "250ms", "--app-port", "9080"]);
        var options = flags.Bind(parsed);

        Assert.Empty(parsed.Errors);
        Assert.Equal(16001, options.OutboundPort);
        Assert.Equal(9080, options.AppPort);
        Assert.Equal("reviews", options.Labels["app"]);
        Assert.Equal("reviews", options.SourceWorkload);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.DrainTimeout);
        Assert.Equal("127.0.0.1", options.BindAddress);
        Assert.True(options.InlineIo);
        Assert.False(flags.Bind(root.Parse(["--inline-io", "false"])).InlineIo);

        var bad = root.Parse(["--outbound-port", "99999", "--labels", "novalue", "--bind-address", "localhost:80"]);
        Assert.Single(bad.Errors, e => e.Message.Contains("--bind-address", StringComparison.Ordinal));
        Assert.Single(bad.Errors, e => e.Message.Contains("--outbound-port", StringComparison.Ordinal));
        Assert.Single(bad.Errors, e => e.Message.Contains("--labels", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("w3c", TraceFormats.W3C)]
    [InlineData("b3", TraceFormats.B3Single)]
    [InlineData("B3Multi", TraceFormats.B3Multi)]
    [InlineData("w3c, b3 ,b3multi", TraceFormats.W3C | TraceFormats.B3Single | TraceFormats.B3Multi)]
    public void TracePropagationTakesACommaSeparatedListOfFormats(string text, TraceFormats formats)
    {
        var flags = new ProxyFlags();
        var root = new System.CommandLine.RootCommand();
        flags.AddTo(root);

        var parsed = root.Parse(["--trace-propagation", text, "--zipkin-endpoint", "http://zipkin:9411/api/v2/spans"]);

        Assert.Empty(parsed.Errors);
        Assert.Equal(formats, flags.Bind(parsed).TracePropagation);
        Assert.Equal(new Uri("http://zipkin:9411/api/v2/spans"), flags.Bind(parsed).ZipkinEndpoint);
    }

    [Fact]
    public void HelpListsTheTracePropagationFormatsTheFlagAccepts()
    {
        using var output = new StringWriter();

        ProxyCommandLine.Build().Parse(["--help"]).Invoke(new System.CommandLine.InvocationConfiguration { Output = output });

        var line = output.ToString().Split('\n').Single(l => l.TrimStart().StartsWith("--trace-propagation", StringComparison.Ordinal));
        Assert.Contains("--trace-propagation <w3c,b3,b3multi>", line, StringComparison.Ordinal);
        Assert.DoesNotContain("B3Single", line, StringComparison.Ordinal);
        Assert.True(TraceFormatNames.TryParse("w3c,b3,b3multi", out var formats));
        Assert.Equal(TraceFormats.W3C | TraceFormats.B3Single | TraceFormats.B3Multi, formats);
    }

    [Fact]
    public void TracingDefaultsToIstiosW3cAndB3MultiWithoutExportAndRejectsAnUnknownFormat()
    {
        var flags = new ProxyFlags();
        var root = new System.CommandLine.RootCommand();
        flags.AddTo(root);

        var options = flags.Bind(root.Parse([]));

        Assert.Equal(TraceFormats.W3C | TraceFormats.B3Multi, options.TracePropagation);
        Assert.Null(options.ZipkinEndpoint);
        Assert.Contains(root.Parse(["--trace-propagation", "w3c,jaeger"]).Errors, e => e.Message.Contains("--trace-propagation (MESH_TRACE_PROPAGATION): 'w3c,jaeger'", StringComparison.Ordinal));
        Assert.Contains(root.Parse(["--trace-propagation", ""]).Errors, e => e.Message.Contains("--trace-propagation", StringComparison.Ordinal));
        Assert.Contains(root.Parse(["--zipkin-endpoint", "zipkin:9411"]).Errors, e => e.Message.Contains("--zipkin-endpoint", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null, 5_000)]
    [InlineData("0", 0)]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    public void TrafficReportIntervalDefaultsToFiveSecondsAndZeroTurnsReportsOff(string? text, int milliseconds)
    {
        var flags = new ProxyFlags();
        var root = new System.CommandLine.RootCommand();
        flags.AddTo(root);

        var parsed = root.Parse(text is null ? [] : ["--traffic-report-interval", text]);

        Assert.Empty(parsed.Errors);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), flags.Bind(parsed).TrafficReportInterval);
        Assert.Contains(root.Parse(["--traffic-report-interval", "often"]).Errors, e => e.Message.Contains("--traffic-report-interval (MESH_TRAFFIC_REPORT_INTERVAL): 'often'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("debug", Serilog.Events.LogEventLevel.Debug)]
    [InlineData("info", Serilog.Events.LogEventLevel.Information)]
    [InlineData("Warning", Serilog.Events.LogEventLevel.Warning)]
    [InlineData("trace", Serilog.Events.LogEventLevel.Verbose)]
    [InlineData("off", Serilog.Events.LogEventLevel.Fatal)]
    public void LogLevelTakesIstioAndSerilogNames(string text, Serilog.Events.LogEventLevel level)
    {
        var flags = new ProxyFlags();
        var root = new System.CommandLine.RootCommand();
        flags.AddTo(root);

        var parsed = root.Parse(["--log-level", text]);

        Assert.Empty(parsed.Errors);
        Assert.Equal(level, flags.Bind(parsed).LogLevel);
        Assert.Contains(root.Parse(["--log-level", "loud"]).Errors, e => e.Message.Contains("--log-level", StringComparison.Ordinal));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void ABootstrapTokenFileOthersCanReadIsRefused()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "a-token-of-at-least-16-characters");
            var flags = new ProxyFlags();
            var root = new System.CommandLine.RootCommand();
            flags.AddTo(root);

            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            var open = root.Parse(["--bootstrap-token-file", file]);
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var private_ = root.Parse(["--bootstrap-token-file", file]);

            Assert.Contains(open.Errors, e => e.Message.Contains("chmod 600", StringComparison.Ordinal) && e.Message.Contains("0644", StringComparison.Ordinal));
            Assert.Empty(private_.Errors);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void IpIsUnsetByDefaultAndMustBeAnAddress()
    {
        var flags = new ProxyFlags();
        var root = new System.CommandLine.RootCommand();
        flags.AddTo(root);

        Assert.Null(flags.Bind(root.Parse([])).Ip);
        Assert.Equal("10.244.1.7", flags.Bind(root.Parse(["--ip", "10.244.1.7"])).Ip);
        Assert.Single(root.Parse(["--ip", "pod-1"]).Errors, e => e.Message.Contains("--ip (MESH_IP): 'pod-1'", StringComparison.Ordinal));
    }

    [Fact]
    public void EnvironmentNamesFollowTheFlagNames()
    {
        Assert.Equal("MESH_DISCOVERY_ADDRESS", ProxyFlags.EnvironmentName("--discovery-address"));
        Assert.Equal("MESH_APP_PORT", ProxyFlags.EnvironmentName("--app-port"));
        Assert.Equal("MESH_IP", ProxyFlags.EnvironmentName("--ip"));
    }
}
