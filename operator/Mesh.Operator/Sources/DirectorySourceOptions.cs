namespace Mesh.Operator.Sources;

/// <summary>Options of the <c>dir:PATH</c> source.</summary>
public sealed class DirectorySourceOptions
{
    /// <summary>The directory holding the manifests (searched recursively for *.yaml, *.yml, *.json).</summary>
    public string Path { get; set; } = ".";

    /// <summary>
    /// How often the directory is rescanned in addition to file-system notifications, which can be lost (inotify
    /// limits, network file systems, editors that replace files). Default 2 s.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long a changed file must keep the same size and modification time before it is read. A file written in
    /// chunks (a slow <c>cp</c>, an editor that flushes in parts) is read only after its last chunk, so this must be
    /// longer than the pauses between chunks. Edits reach proxies this much later. Default 500 ms.
    /// </summary>
    public TimeSpan QuietPeriod { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// A read that would drop resources its file declared before (a list cut short, a truncated file) is published
    /// only if a second read this much later finds the same text: a writer that paused for longer than
    /// <see cref="QuietPeriod"/> gets that much more time to finish. Default 2 s.
    /// </summary>
    public TimeSpan ShrinkConfirmDelay { get; set; } = TimeSpan.FromSeconds(2);
}
