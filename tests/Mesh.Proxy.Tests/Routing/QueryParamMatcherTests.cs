using Mesh.Api.V1;
using Mesh.Proxy.Routing;

namespace Mesh.Proxy.Tests.Routing;

public sealed class QueryParamMatcherTests
{
    [Theory]
    [InlineData("?canary=yes", true)]
    [InlineData("?a=1&canary=yes&b=2", true)]
    [InlineData("?canary=no", false)]
    [InlineData("?canaryx=yes", false)]
    [InlineData("?can%61ry=y%65s", true)]
    [InlineData("", false)]
    public void MatchesExactValuesIncludingPercentEncodedOnes(string query, bool expected)
    {
        var matcher = new QueryParamMatcher("canary", StringMatcher.Create(new StringMatch { Exact = "yes" }, "q"));

        Assert.Equal(expected, matcher.Matches(query));
    }

    [Theory]
    [InlineData("?debug", true)]
    [InlineData("?debug=", true)]
    [InlineData("?x=debug", false)]
    public void WithoutAValueMatchThePresenceOfTheParameterMatches(string query, bool expected) =>
        Assert.Equal(expected, new QueryParamMatcher("debug", null).Matches(query));

    [Fact]
    public void PlusDecodesToASpace() =>
        Assert.True(new QueryParamMatcher("q", StringMatcher.Create(new StringMatch { Exact = "a b" }, "q")).Matches("?q=a+b"));
}
