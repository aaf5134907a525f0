using Mesh.Proxy.Telemetry;
using Mesh.Testing;
using Serilog.Events;
using Serilog.Parsing;

namespace Mesh.Proxy.Tests.Telemetry;

public sealed class ForwarderErrorLogLimiterTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void At_most_five_forwarding_errors_a_second_are_logged_and_other_sources_are_untouched()
    {
        var limiter = new ForwarderErrorLogLimiter(_time);

        var first = Enumerable.Range(0, 100).Count(_ => limiter.IsEnabled(Event("Yarp.ReverseProxy.Forwarder.HttpForwarder")));
        var others = Enumerable.Range(0, 100).Count(_ => limiter.IsEnabled(Event("Mesh.Proxy.Forwarding.UpstreamSender")));
        _time.Advance(TimeSpan.FromSeconds(1));
        var next = Enumerable.Range(0, 100).Count(_ => limiter.IsEnabled(Event("Yarp.ReverseProxy.Forwarder.HttpForwarder")));

        Assert.Equal(ForwarderErrorLogLimiter.PerSecond, first);
        Assert.Equal(100, others);
        Assert.Equal(ForwarderErrorLogLimiter.PerSecond, next);
    }

    private static LogEvent Event(string source) => new(
        DateTimeOffset.UnixEpoch, LogEventLevel.Warning, null, new MessageTemplateParser().Parse("{error}: {message}"),
        [new LogEventProperty("SourceContext", new ScalarValue(source))]);
}
