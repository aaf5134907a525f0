using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Kubernetes.Informers;

/// <summary>Creates informers. Run each with <see cref="IInformer{T}.RunAsync"/>.</summary>
public static class InformerFactory
{
    /// <param name="listWatcher">The collection to mirror, from <see cref="ListWatchers"/>.</param>
    public static IInformer<T> Create<T>(
        IListWatcher<T> listWatcher,
        InformerOptions? options = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(listWatcher);
        return new Informer<T>(
            listWatcher,
            options ?? new InformerOptions(),
            timeProvider ?? TimeProvider.System,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger($"Mesh.Kubernetes.Informers.Informer.{listWatcher.Resource}"));
    }
}
