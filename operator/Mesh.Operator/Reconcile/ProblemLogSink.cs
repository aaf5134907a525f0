using Mesh.Operator.Validation;
using Microsoft.Extensions.Logging;

namespace Mesh.Operator.Reconcile;

/// <summary>
/// Logs each resource problem once when it appears and once when it is fixed, so that a user editing manifests in
/// local mode sees what <c>analyze</c> would say without the log repeating itself on every reconcile.
/// </summary>
internal sealed partial class ProblemLogSink(ILogger<ProblemLogSink> logger) : IReconcileResultSink
{
    private HashSet<Diagnostic> _known = [];

    public void Report(long generation, IReadOnlyList<ResourceResult> results)
    {
        var current = results.SelectMany(result => result.Diagnostics).ToHashSet();
        foreach (var appeared in current.Where(d => !_known.Contains(d)).Order(Comparer<Diagnostic>.Create(Compare)))
        {
            if (appeared.IsError)
            {
                LogError(appeared.Resource.ToString(), appeared.Path, appeared.Message);
            }
            else
            {
                LogWarning(appeared.Resource.ToString(), appeared.Path, appeared.Message);
            }
        }

        foreach (var fixedProblem in _known.Where(d => !current.Contains(d)))
        {
            LogResolved(fixedProblem.Resource.ToString(), fixedProblem.Path);
        }

        _known = current;
    }

    private static int Compare(Diagnostic a, Diagnostic b)
    {
        var byResource = a.Resource.CompareTo(b.Resource);
        return byResource != 0 ? byResource : string.CompareOrdinal(a.Path, b.Path);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Resource}: {Path}: {Problem}; the resource is left out of the mesh config")]
    private partial void LogError(string resource, string path, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Resource}: {Path}: warning: {Problem}")]
    private partial void LogWarning(string resource, string path, string problem);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Resource}: {Path}: resolved")]
    private partial void LogResolved(string resource, string path);
}
