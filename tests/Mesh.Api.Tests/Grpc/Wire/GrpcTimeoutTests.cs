using Mesh.Api.Grpc;

namespace Mesh.Api.Tests.Grpc.Wire;

public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 36_000_000_000L)]
    [InlineData("2M", 1_200_000_000L)]
    [InlineData("3S", 30_000_000L)]
    [InlineData("250m", 2_500_000L)]
    [InlineData("7u", 70L)]
    [InlineData("500n", 5L)]
    [InlineData("99999999S", 999_999_990_000_000L)]
    public void Parse_ReadsEveryUnit(string value, long expectedTicks)
    {
        Assert.True(GrpcTimeout.TryParse(value, out var timeout));
        Assert.Equal(expectedTicks, timeout.Ticks);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10s")]
    [InlineData("1.5S")]
    [InlineData("-1S")]
    [InlineData("123456789S")]
    public void Parse_RejectsMalformedValues(string value) => Assert.False(GrpcTimeout.TryParse(value, out _));

    [Theory]
    [InlineData(0.0005, "500u")]
    [InlineData(1.5, "1500000u")]
    [InlineData(3600.0, "3600000m")]
    [InlineData(1_000_000.0, "1000000S")]
    public void Format_UsesAtMostEightDigits(double seconds, string expected) =>
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Format_RoundTripsWithoutShortening()
    {
        var timeout = TimeSpan.FromMilliseconds(123_456_789.123);
        Assert.True(GrpcTimeout.TryParse(GrpcTimeout.Format(timeout), out var parsed));
        Assert.True(parsed >= timeout, $"{parsed} < {timeout}");
    }
}
