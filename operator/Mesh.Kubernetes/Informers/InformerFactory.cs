using k8s;
using k8s.Models;
using Mesh.Kubernetes.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Kubernetes.Informers;

/// <summary>Creates informers. Run each with <see cref="IInformer{T}.RunAsync"/>.</summary>
public static class InformerFactory
{
    public static IInformer<T> Create<T>(
        IKubernetesClient client,
        ResourceType type,
        InformerOptions? options = null,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(type);
        return new Informer<T>(
            client,
            type,
            options ?? new InformerOptions(),
            timeProvider ?? TimeProvider.System,
            (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger($"Mesh.Kubernetes.Informers.Informer.{type.Kind}"));
    }
}
