using Mesh.Kubernetes;
using Mesh.Operator.Sources;

namespace Mesh.Operator.Injection;

/// <summary>Namespace labels from the resource source's current snapshot (the informer cache in kube mode).</summary>
internal sealed class SourceNamespaceLabels(IResourceSource source) : INamespaceLabels
{
    public ValueTask<IReadOnlyDictionary<string, string>?> GetLabelsAsync(string namespaceName, CancellationToken cancellationToken)
    {
        var found = source.Current.Namespaces.FirstOrDefault(ns => string.Equals(ns.Metadata.Name, namespaceName, StringComparison.Ordinal));
        IReadOnlyDictionary<string, string>? labels = found?.Metadata.Labels.AsReadOnly();
        return ValueTask.FromResult(labels);
    }
}
