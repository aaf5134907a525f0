using Mesh.Operator.Injection;

namespace Mesh.Operator.Tests.Injection;

public sealed class JsonPointerTests
{
    [Theory]
    [InlineData("mesh.io/status", "/metadata/annotations/mesh.io~1status")]
    [InlineData("a~b", "/metadata/annotations/a~0b")]
    // ~ is escaped first: "~1" in a key must come out as "~01", not be read back as "/".
    [InlineData("~1/", "/metadata/annotations/~01~1")]
    public void Tokens_are_escaped_per_rfc_6901(string key, string pointer)
        => Assert.Equal(pointer, JsonPointer.Append("/metadata/annotations", key));
}
