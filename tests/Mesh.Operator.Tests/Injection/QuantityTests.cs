using Mesh.Operator.Injection;

namespace Mesh.Operator.Tests.Injection;

/// <summary>The amounts of Kubernetes quantities, enough to tell a request above its limit.</summary>
public sealed class QuantityTests
{
    [Theory]
    [InlineData("1", 1.0)]
    [InlineData("250m", 0.25)]
    [InlineData(".5", 0.5)]
    [InlineData("+2.", 2.0)]
    [InlineData("128Mi", 134_217_728.0)]
    [InlineData("1Gi", 1_073_741_824.0)]
    [InlineData("1Ki", 1024.0)]
    [InlineData("300M", 300_000_000.0)]
    [InlineData("2k", 2000.0)]
    [InlineData("1E", 1e18)]
    [InlineData("1e3", 1000.0)]
    [InlineData("5E-2", 0.05)]
    [InlineData("100n", 1e-7)]
    [InlineData("3u", 3e-6)]
    public void Amount_reads_decimal_binary_and_exponent_suffixes(string quantity, double expected)
    {
        Assert.True(Quantity.IsValid(quantity));
        Assert.Equal(expected, Quantity.Amount(quantity), expected * 1e-12);
    }
}
