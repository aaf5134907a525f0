using Mesh.Operator.ConfigServer;
using Mesh.Testing;

namespace Mesh.Operator.Tests.ConfigServer;

public sealed class ConvergenceTrackerTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly List<TimeSpan> _recorded = [];

    private ConvergenceTracker CreateTracker() => new(_time, _recorded.Add);

    [Fact]
    public void Records_the_time_from_the_change_to_the_last_answer()
    {
        var tracker = CreateTracker();
        var seen = _time.GetUtcNow();
        _time.Advance(TimeSpan.FromMilliseconds(100));
        tracker.Pushed(1, seen, [1, 2]);

        _time.Advance(TimeSpan.FromMilliseconds(50));
        tracker.Answered(1, 1);
        Assert.Empty(_recorded);
        _time.Advance(TimeSpan.FromMilliseconds(50));
        tracker.Answered(2, 1);

        Assert.Equal([TimeSpan.FromMilliseconds(200)], _recorded);
    }

    [Fact]
    public void A_newer_generation_keeps_the_oldest_unconverged_change_time_and_waits_for_its_own_answer()
    {
        var tracker = CreateTracker();
        var first = _time.GetUtcNow();
        tracker.Pushed(1, first, [1]);
        _time.Advance(TimeSpan.FromSeconds(1));
        tracker.Pushed(2, _time.GetUtcNow(), [1]);

        tracker.Answered(1, 1);
        Assert.Empty(_recorded);
        _time.Advance(TimeSpan.FromSeconds(1));
        tracker.Answered(1, 2);

        Assert.Equal([TimeSpan.FromSeconds(2)], _recorded);
    }

    [Fact]
    public void A_disconnected_proxy_is_no_longer_waited_for()
    {
        var tracker = CreateTracker();
        tracker.Pushed(1, _time.GetUtcNow(), [1, 2]);
        tracker.Answered(1, 1);

        tracker.Disconnected(2);

        Assert.Single(_recorded);
    }

    [Fact]
    public void A_publication_that_changes_no_proxy_records_nothing()
    {
        var tracker = CreateTracker();

        tracker.Pushed(1, _time.GetUtcNow(), []);

        Assert.Empty(_recorded);
    }
}
