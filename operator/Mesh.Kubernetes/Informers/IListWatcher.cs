using k8s;
using k8s.Models;

namespace Mesh.Kubernetes.Informers;

/// <summary>
/// client-go's ListerWatcher: the list and watch calls of one collection, on KubernetesClient. Failures the API
/// server answers are <see cref="Client.KubernetesException"/>s (a 410 Expired among them).
/// </summary>
public interface IListWatcher<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The plural resource name, for logs and metrics.</summary>
    string Resource { get; }

    /// <summary>One page of the collection.</summary>
    Task<ListPage<T>> ListAsync(ListWatchQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Streams the events of a watch (with bookmarks) until the server ends it. An ERROR event in the stream (a
    /// 410 Expired, typically) is not yielded: it reaches <paramref name="onError"/> as a
    /// <see cref="k8s.KubernetesException"/> carrying the server's <see cref="V1Status"/>, as do lines that cannot be read.
    /// </summary>
    IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(ListWatchQuery query, Action<Exception> onError, CancellationToken cancellationToken);
}

/// <summary>The parameters of a list or watch; null ones are not sent.</summary>
public sealed record ListWatchQuery
{
    public string? ResourceVersion { get; init; }

    /// <summary>Lists only: the token of the next page.</summary>
    public string? Continue { get; init; }

    /// <summary>Lists only: objects per page.</summary>
    public int? Limit { get; init; }

    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>Watches only: the server ends the watch after this many seconds.</summary>
    public int? TimeoutSeconds { get; init; }
}

/// <summary>One page of a list: its objects, the collection's resourceVersion, the token of the next page (or null).</summary>
public sealed record ListPage<T>(IList<T> Items, string ResourceVersion, string? Continue);
