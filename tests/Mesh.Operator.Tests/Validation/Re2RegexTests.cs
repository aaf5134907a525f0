using Mesh.Operator.Validation;

namespace Mesh.Operator.Tests.Validation;

public sealed class Re2RegexTests
{
    [Theory]
    [InlineData("^/api/v[0-9]+/.*$")]
    [InlineData("(?i)jason|bill")]
    [InlineData("(?P<version>v[0-9])")]
    [InlineData("a*?b+?")]
    [InlineData(@"[\d(?=]+")]
    [InlineData(@"\(\?=literal\)")]
    public void Accepts_what_RE2_accepts(string pattern) => Assert.Null(Re2Regex.Check(pattern));

    [Theory]
    [InlineData("foo(?=bar)", "lookaround")]
    [InlineData("foo(?!bar)", "lookaround")]
    [InlineData("(?<=a)b", "lookaround")]
    [InlineData("(?<!a)b", "lookaround")]
    [InlineData(@"(a)\1", "backreferences")]
    [InlineData(@"(?<x>a)\k<x>", "named backreferences")]
    [InlineData("(?>a+)b", "atomic groups")]
    [InlineData("a++", "possessive")]
    [InlineData("a{2}+", "possessive")]
    [InlineData("(?(a)b|c)", "conditionals")]
    [InlineData("(unclosed", "invalid regular expression")]
    public void Rejects_what_RE2_lacks_and_says_why(string pattern, string reason) =>
        Assert.Contains(reason, Re2Regex.Check(pattern), StringComparison.Ordinal);
}
