using k8s;
using k8s.Models;
using Mesh.Operator.Validation;

namespace Mesh.Operator.Compiler;

/// <summary>
/// The report of a resource whose compile threw: a bug or an input no validator foresaw. The resource is left out and
/// the exception named, so that one resource can never stop the compile of all the others.
/// </summary>
internal static class CompileFailure
{
    public static Diagnostic Of(IKubernetesObject<V1ObjectMeta> resource, string stage, Exception exception) => new(
        ResourceRef.Of(resource),
        "",
        DiagnosticSeverity.Error,
        $"could not be {stage} ({exception.GetType().Name}: {exception.Message}); the resource is left out");

    /// <summary>Exceptions that mean the process itself is failing; everything else is one resource's problem.</summary>
    public static bool IsFatal(Exception exception) => exception is OutOfMemoryException or InsufficientExecutionStackException;
}
