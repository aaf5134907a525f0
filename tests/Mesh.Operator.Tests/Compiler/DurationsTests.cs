using Mesh.Operator.Compiler;

namespace Mesh.Operator.Tests.Compiler;

public sealed class DurationsTests
{
    [Theory]
    [InlineData("2s", 2, 0)]
    [InlineData("1.5s", 1, 500_000_000)]
    [InlineData("250ms", 0, 250_000_000)]
    [InlineData("1m30s", 90, 0)]
    [InlineData("1h", 3600, 0)]
    [InlineData("10us", 0, 10_000)]
    [InlineData("7ns", 0, 7)]
    [InlineData("0s", 0, 0)]
    public void Parses_go_durations(string text, long seconds, int nanos)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal((seconds, nanos), (duration.Seconds, duration.Nanos));
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("1.s")]
    [InlineData("-1s")]
    [InlineData("1 s")]
    [InlineData("1d")]
    [InlineData("999999999999h")]
    public void Rejects_anything_else(string text) => Assert.False(Durations.TryParse(text, out _));
}
