using Mesh.Operator.Sources;
using Mesh.Testing;

namespace Mesh.Operator.Tests.Sources;

public sealed class FileSettleRuleTests
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan Confirm = TimeSpan.FromSeconds(2);
    private static readonly FileStamp FirstChunk = new(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), 120);
    private static readonly FileStamp SecondChunk = new(new DateTime(2026, 1, 1, 0, 0, 0, 300, DateTimeKind.Utc), 240);

    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void A_file_still_being_written_in_chunks_300_ms_apart_is_not_quiet_until_the_last_chunk_has_rested()
    {
        var rule = new FileSettleRule(Quiet, Confirm, _time);

        Assert.False(rule.IsQuiet("a.yaml", FirstChunk, out var recheck));
        Assert.Equal(Quiet, recheck);
        _time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.False(rule.IsQuiet("a.yaml", FirstChunk, out recheck));
        Assert.Equal(TimeSpan.FromMilliseconds(200), recheck);

        // The second chunk lands before the first had rested long enough: the clock starts again.
        _time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.False(rule.IsQuiet("a.yaml", SecondChunk, out recheck));
        Assert.Equal(Quiet, recheck);
        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(rule.IsQuiet("a.yaml", SecondChunk, out _));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(rule.IsQuiet("a.yaml", SecondChunk, out _));
    }

    [Fact]
    public void A_read_that_keeps_every_resource_is_published_at_once()
    {
        var rule = new FileSettleRule(Quiet, Confirm, _time);

        Assert.True(rule.MayPublish("a.yaml", SecondChunk, "text", shrank: false, out _));
    }

    [Fact]
    public void A_read_that_lost_resources_needs_a_second_identical_read_after_the_confirm_delay()
    {
        var rule = new FileSettleRule(Quiet, Confirm, _time);

        Assert.False(rule.MayPublish("a.yaml", FirstChunk, "half", shrank: true, out var recheck));
        Assert.Equal(Confirm, recheck);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.False(rule.MayPublish("a.yaml", FirstChunk, "half", shrank: true, out recheck));
        Assert.Equal(TimeSpan.FromSeconds(1), recheck);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(rule.MayPublish("a.yaml", FirstChunk, "half", shrank: true, out _));
    }

    [Fact]
    public void A_shrunk_read_whose_text_changed_in_between_starts_its_confirmation_again()
    {
        var rule = new FileSettleRule(Quiet, Confirm, _time);

        Assert.False(rule.MayPublish("a.yaml", FirstChunk, "half", shrank: true, out _));
        _time.Advance(Confirm);
        Assert.False(rule.MayPublish("a.yaml", FirstChunk, "other half", shrank: true, out var recheck));
        Assert.Equal(Confirm, recheck);
    }

    [Fact]
    public void A_new_stamp_while_a_shrink_awaits_confirmation_discards_the_pending_read()
    {
        var rule = new FileSettleRule(Quiet, Confirm, _time);
        Assert.False(rule.IsQuiet("a.yaml", FirstChunk, out _));
        _time.Advance(Quiet);
        Assert.True(rule.IsQuiet("a.yaml", FirstChunk, out _));
        Assert.False(rule.MayPublish("a.yaml", FirstChunk, "half", shrank: true, out _));

        _time.Advance(Confirm);
        Assert.False(rule.IsQuiet("a.yaml", SecondChunk, out _));
        _time.Advance(Quiet);
        Assert.True(rule.IsQuiet("a.yaml", SecondChunk, out _));
        Assert.False(rule.MayPublish("a.yaml", SecondChunk, "half", shrank: true, out var recheck));
        Assert.Equal(Confirm, recheck);
    }

    [Fact]
    public void A_file_renamed_into_place_is_taken_at_once_even_when_it_drops_resources()
    {
        var rule = new FileSettleRule(Quiet, Confirm, _time);
        rule.Arrived("a.yaml", SecondChunk);

        Assert.True(rule.IsQuiet("a.yaml", SecondChunk, out var recheck));
        Assert.Equal(TimeSpan.Zero, recheck);
        Assert.True(rule.MayPublish("a.yaml", SecondChunk, "fewer resources", shrank: true, out _));
    }

    [Fact]
    public void A_write_in_place_after_a_rename_waits_for_the_quiet_period_again()
    {
        var rule = new FileSettleRule(Quiet, Confirm, _time);
        rule.Arrived("a.yaml", FirstChunk);

        Assert.False(rule.IsQuiet("a.yaml", SecondChunk, out var recheck));
        Assert.Equal(Quiet, recheck);
        Assert.False(rule.MayPublish("a.yaml", SecondChunk, "half", shrank: true, out _));
    }
}
