using Mesh.Api.Grpc;

namespace Mesh.Api.Tests.Grpc.Wire;

public sealed class MetadataTests
{
    [Fact]
    public void Keys_AreLowerCased() => Assert.Equal("x-key", new Metadata.Entry("X-Key", "v").Key);

    [Theory]
    [InlineData("bad key")]
    [InlineData("grpc-status")]
    [InlineData("ключ")]
    public void InvalidOrReservedKeys_AreRejected(string key) =>
        Assert.Throws<ArgumentException>(() => new Metadata.Entry(key, "v"));

    [Fact]
    public void NonAsciiStringValue_IsRejected() =>
        Assert.Throws<ArgumentException>(() => new Metadata.Entry("x-text", "é"));

    [Fact]
    public void BinaryKeys_NeedBinaryValues()
    {
        Assert.Throws<ArgumentException>(() => new Metadata.Entry("x-data-bin", "text"));
        Assert.Throws<ArgumentException>(() => new Metadata.Entry("x-data", [1]));
    }

    [Fact]
    public void Get_ReturnsTheLastValueOfARepeatedKey()
    {
        var metadata = new Metadata { { "x-a", "1" }, { "x-a", "2" } };
        Assert.Equal("2", metadata.GetValue("x-a"));
        Assert.Null(metadata.GetValue("x-b"));
    }
}
