using Mesh.Api.Grpc;

namespace Mesh.Api.Tests.Grpc.Wire;

public sealed class StatusMessageEncodingTests
{
    [Theory]
    [InlineData("plain ascii", "plain ascii")]
    [InlineData("100%", "100%25")]
    [InlineData("é", "%C3%A9")]
    [InlineData("line\nbreak", "line%0Abreak")]
    public void Encode_PercentEncodesAllButPrintableAscii(string message, string expected) =>
        Assert.Equal(expected, StatusMessageEncoding.Encode(message));

    [Theory]
    [InlineData("résumé ✓ 失败")]
    [InlineData("emoji 🚀 and %41")]
    public void Decode_RoundTripsUtf8(string message) =>
        Assert.Equal(message, StatusMessageEncoding.Decode(StatusMessageEncoding.Encode(message)));

    [Theory]
    [InlineData("%", "%")]
    [InlineData("%G1 and %4", "%G1 and %4")]
    [InlineData("ok %41", "ok A")]
    public void Decode_KeepsMalformedEscapes(string value, string expected) =>
        Assert.Equal(expected, StatusMessageEncoding.Decode(value));
}
