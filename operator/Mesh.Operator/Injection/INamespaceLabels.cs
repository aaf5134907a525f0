namespace Mesh.Operator.Injection;

/// <summary>
/// The labels of a namespace, for the <c>mesh.io/injection=enabled</c> decision. The kube source supplies an
/// informer-backed implementation; without one no namespace is labelled and only pod annotations inject.
/// </summary>
public interface INamespaceLabels
{
    /// <summary>The namespace's labels, or null when the namespace is unknown.</summary>
    ValueTask<IReadOnlyDictionary<string, string>?> GetLabelsAsync(string namespaceName, CancellationToken cancellationToken);
}

internal sealed class NoNamespaceLabels : INamespaceLabels
{
    public ValueTask<IReadOnlyDictionary<string, string>?> GetLabelsAsync(string namespaceName, CancellationToken cancellationToken)
        => ValueTask.FromResult<IReadOnlyDictionary<string, string>?>(null);
}
