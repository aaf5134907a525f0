using Mesh.Operator.Reconcile;
using Mesh.Testing;

namespace Mesh.Operator.Tests.Reconcile;

public sealed class ChangeDebouncerTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Max = TimeSpan.FromSeconds(1);
    private readonly ManualTimeProvider _time = new();
    private readonly List<DateTimeOffset> _fired = [];

    private ChangeDebouncer Create() => new(_time, Quiet, Max, _fired.Add);

    [Fact]
    public void A_change_after_a_quiet_spell_fires_at_once()
    {
        using var debouncer = Create();
        var first = _time.GetUtcNow();

        debouncer.Notify();
        _time.Advance(TimeSpan.Zero);

        Assert.Equal([first], _fired);
    }

    [Fact]
    public void A_change_before_the_leading_firing_ran_is_taken_by_it()
    {
        using var debouncer = Create();
        var first = _time.GetUtcNow();
        debouncer.Notify();
        debouncer.Notify();

        _time.Advance(Quiet * 3);

        Assert.Equal([first], _fired);
    }

    [Fact]
    public void Changes_that_follow_a_firing_fold_into_one_once_they_pause()
    {
        using var debouncer = Create();
        debouncer.Notify();
        _time.Advance(TimeSpan.FromMilliseconds(30));
        var second = _time.GetUtcNow();
        debouncer.Notify();
        _time.Advance(TimeSpan.FromMilliseconds(60));
        debouncer.Notify();
        _time.Advance(TimeSpan.FromMilliseconds(60));
        Assert.Single(_fired);

        _time.Advance(TimeSpan.FromMilliseconds(40));

        Assert.Equal(2, _fired.Count);
        Assert.Equal(second, _fired[1]);
    }

    [Fact]
    public void Fires_at_the_maximum_delay_while_changes_keep_coming()
    {
        using var debouncer = Create();
        debouncer.Notify();
        _time.Advance(TimeSpan.FromMilliseconds(60));
        var second = _time.GetUtcNow();
        for (var i = 0; i < 20; i++)
        {
            debouncer.Notify();
            _time.Advance(TimeSpan.FromMilliseconds(60));
        }

        // The leading firing, then 20 × 60 ms = 1.2 s of changes never 100 ms apart: one firing at 1 s after the
        // second change, carrying its time.
        Assert.Equal(2, _fired.Count);
        Assert.Equal(second, _fired[1]);
    }

    [Fact]
    public void A_change_a_quiet_period_after_the_last_fires_at_once_again()
    {
        using var debouncer = Create();
        debouncer.Notify();
        _time.Advance(Quiet);
        var second = _time.GetUtcNow();
        debouncer.Notify();
        _time.Advance(TimeSpan.Zero);

        Assert.Equal(2, _fired.Count);
        Assert.Equal(second, _fired[1]);
    }

    [Fact]
    public void Nothing_fires_without_a_change()
    {
        using var debouncer = Create();

        _time.Advance(TimeSpan.FromSeconds(5));

        Assert.Empty(_fired);
    }
}
