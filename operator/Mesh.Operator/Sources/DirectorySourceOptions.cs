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
    /// How long file-system notifications must pause before the directory is read, so that a file being saved is read
    /// once finished rather than half-written. Default 50 ms.
    /// </summary>
    public TimeSpan SettleDelay { get; set; } = TimeSpan.FromMilliseconds(50);
}
