using Mesh.Proxy.Resilience;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;

namespace Mesh.Proxy.Tests.Resilience;

public sealed class RetryBudgetTests
{
    [Fact]
    public void ReserveAllowsTenRetriesPerSecondOverTheWindowThenTwentyPercentOfRequests()
    {
        var clock = new ManualTimeProvider();
        var budget = new RetryBudget(clock);

        var allowed = 0;
        while (budget.TryWithdraw())
        {
            allowed++;
        }

        Assert.Equal(100, allowed);
        for (var i = 0; i < 1000; i++)
        {
            budget.RecordRequest();
        }

        var extra = 0;
        while (budget.TryWithdraw())
        {
            extra++;
        }

        Assert.Equal(200, extra);
    }

    [Fact]
    public void SpentBudgetRefillsOnceTheWindowMovesOn()
    {
        var clock = new ManualTimeProvider();
        var budget = new RetryBudget(clock);
        while (budget.TryWithdraw())
        {
        }

        clock.Advance(TimeSpan.FromSeconds(11));

        Assert.True(budget.TryWithdraw());
    }
}
