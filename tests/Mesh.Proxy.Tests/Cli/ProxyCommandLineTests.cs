using Mesh.Proxy.Cli;

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
        Assert.Contains(bad.Errors, e => e.Message.Contains("--bind-address", StringComparison.Ordinal));
        Assert.Contains(bad.Errors, e => e.Message.Contains("--outbound-port", StringComparison.Ordinal));
        Assert.Contains(bad.Errors, e => e.Message.Contains("--labels", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("debug", "debug")]
    [InlineData("warn", "warn")]
    [InlineData("Information", "Information")]
    public void LogLevelTakesSerilogsNamesAndTheShortOnesTheInjectionAnnotationCarries(string flag, string bound)
    {
        var flags = new ProxyFlags();
        var root = new System.CommandLine.RootCommand();
        flags.AddTo(root);

        var parsed = root.Parse(["--log-level", flag]);

        Assert.Empty(parsed.Errors);
        Assert.Equal(bound, flags.Bind(parsed).LogLevel);
        Assert.Equal("Information", flags.Bind(root.Parse([])).LogLevel);
        Assert.Contains(root.Parse(["--log-level", "loud"]).Errors, e => e.Message.Contains("--log-level: 'loud'", StringComparison.Ordinal));
        Assert.Contains(root.Parse(["--log-level", "7"]).Errors, e => e.Message.Contains("--log-level", StringComparison.Ordinal));
    }

    [Fact]
    public void EnvironmentNamesFollowTheFlagNames()
    {
        Assert.Equal("MESH_DISCOVERY_ADDRESS", ProxyFlags.EnvironmentName("--discovery-address"));
        Assert.Equal("MESH_APP_PORT", ProxyFlags.EnvironmentName("--app-port"));
    }
}
