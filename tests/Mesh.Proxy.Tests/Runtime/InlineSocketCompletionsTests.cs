using Mesh.Proxy.Runtime;

namespace Mesh.Proxy.Tests.Runtime;

public sealed class InlineSocketCompletionsTests
{
    [Fact]
    public void EnabledSetsTheRuntimeVariableWhenTheEnvironmentHasNone()
    {
        var environment = new Dictionary<string, string>();

        Assert.True(Apply(true, environment));
        Assert.Equal("1", environment[InlineSocketCompletions.Variable]);
    }

    [Fact]
    public void DisabledLeavesTheEnvironmentAlone()
    {
        var environment = new Dictionary<string, string>();

        Assert.False(Apply(false, environment));
        Assert.Empty(environment);
    }

    [Theory]
    [InlineData(true, "0", false)]
    [InlineData(false, "1", true)]
    public void AnExplicitVariableWins(bool enabled, string value, bool inline)
    {
        var environment = new Dictionary<string, string> { [InlineSocketCompletions.Variable] = value };

        Assert.Equal(inline, Apply(enabled, environment));
        Assert.Equal(value, environment[InlineSocketCompletions.Variable]);
    }

    private static bool Apply(bool enabled, Dictionary<string, string> environment) =>
        InlineSocketCompletions.Apply(enabled, name => environment.GetValueOrDefault(name), (name, value) => environment[name] = value);
}
