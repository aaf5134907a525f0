using Mesh.Operator.Compiler;

namespace Mesh.Operator.Sources;

/// <summary>
/// Where the operator reads the resources it compiles: the Kubernetes API (<c>kube</c>) or a directory of manifests
/// (<c>dir:PATH</c>). A source keeps an up-to-date immutable snapshot and says when it changed.
/// </summary>
public interface IResourceSource : IAsyncDisposable
{
    /// <summary>How the source was named on the command line, for logs and <c>/readyz</c>.</summary>
    string Description { get; }

    /// <summary>True once the first complete snapshot has been read.</summary>
    bool HasSynced { get; }

    /// <summary>The latest snapshot; <see cref="MeshSnapshot.Empty"/> before the first sync.</summary>
    MeshSnapshot Current { get; }

    /// <summary>Problems reading the source itself (not the resources' validity), such as an unreadable file.</summary>
    IReadOnlyList<SourceProblem> Problems { get; }

    /// <summary>Raised after <see cref="Current"/> changed. Handlers must be quick and must not throw.</summary>
    event Action? Changed;

    /// <summary>Reads the first snapshot (retrying as needed) and starts watching for changes.</summary>
    Task StartAsync(CancellationToken cancellationToken);
}

/// <summary>A problem with the source: <paramref name="Location"/> is a file (and line) or an API resource.</summary>
public sealed record SourceProblem(string Location, string Message);
