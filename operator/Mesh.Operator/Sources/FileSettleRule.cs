namespace Mesh.Operator.Sources;

/// <summary>
/// When a changed manifest file may be taken. A file is read only once its size and modification time have stayed
/// the same for the quiet period (a writer that pauses between chunks is still writing); a read that would drop
/// resources the file declared before is taken only when a second read, the confirm delay later, finds the same
/// text and stamp. Until then the caller keeps the file's last good resources and asks again after the returned delay.
/// A file renamed into place (written elsewhere, then moved over the old one in one step) is whole when it appears:
/// with the stamp it arrived with it is taken at once, without either wait.
/// </summary>
internal sealed class FileSettleRule
{
    private readonly TimeSpan _quietPeriod;
    private readonly TimeSpan _shrinkConfirmDelay;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, (FileStamp Stamp, DateTimeOffset Since)> _changing = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (FileStamp Stamp, string Text, DateTimeOffset Since)> _shrinking = new(StringComparer.Ordinal);

    // Written by the file-system watcher's thread, read by scans.
    private readonly Lock _arrivedGate = new();
    private readonly Dictionary<string, FileStamp> _arrived = new(StringComparer.Ordinal);

    public FileSettleRule(TimeSpan quietPeriod, TimeSpan shrinkConfirmDelay, TimeProvider time)
    {
        _quietPeriod = quietPeriod;
        _shrinkConfirmDelay = shrinkConfirmDelay;
        _time = time;
    }

    /// <summary>
    /// The file was renamed into place with <paramref name="stamp"/>: complete as it is. A later write in place
    /// changes the stamp and so brings back the waits.
    /// </summary>
    public void Arrived(string path, FileStamp stamp)
    {
        lock (_arrivedGate)
        {
            _arrived[path] = stamp;
        }
    }

    /// <summary>Whether the file has kept <paramref name="stamp"/> for the quiet period (or arrived whole with it); if not, when to look again.</summary>
    public bool IsQuiet(string path, FileStamp stamp, out TimeSpan recheckIn)
    {
        if (ArrivedWhole(path, stamp))
        {
            recheckIn = TimeSpan.Zero;
            return true;
        }

        var now = _time.GetUtcNow();
        if (!_changing.TryGetValue(path, out var seen) || seen.Stamp != stamp)
        {
            _changing[path] = (stamp, now);
            _shrinking.Remove(path);
            recheckIn = _quietPeriod;
            return false;
        }

        recheckIn = _quietPeriod - (now - seen.Since);
        return recheckIn <= TimeSpan.Zero;
    }

    /// <summary>
    /// Whether a quiet read that parsed may be published. One that lost resources (<paramref name="shrank"/>) needs a
    /// second read with the same stamp and text at least the confirm delay after the first.
    /// </summary>
    public bool MayPublish(string path, FileStamp stamp, string text, bool shrank, out TimeSpan recheckIn)
    {
        recheckIn = TimeSpan.Zero;
        if (!shrank || ArrivedWhole(path, stamp))
        {
            Forget(path);
            return true;
        }

        var now = _time.GetUtcNow();
        if (_shrinking.TryGetValue(path, out var first) && first.Stamp == stamp && string.Equals(first.Text, text, StringComparison.Ordinal))
        {
            recheckIn = _shrinkConfirmDelay - (now - first.Since);
            if (recheckIn <= TimeSpan.Zero)
            {
                Forget(path);
                return true;
            }

            return false;
        }

        _shrinking[path] = (stamp, text, now);
        recheckIn = _shrinkConfirmDelay;
        return false;
    }

    /// <summary>The file was taken, found unchanged, or removed: nothing is pending for it.</summary>
    public void Forget(string path)
    {
        _changing.Remove(path);
        _shrinking.Remove(path);
        lock (_arrivedGate)
        {
            _arrived.Remove(path);
        }
    }

    private bool ArrivedWhole(string path, FileStamp stamp)
    {
        lock (_arrivedGate)
        {
            return _arrived.TryGetValue(path, out var arrived) && arrived == stamp;
        }
    }
}

/// <summary>What tells a file's versions apart without reading it: its modification time and length.</summary>
internal readonly record struct FileStamp(DateTime Modified, long Length);
