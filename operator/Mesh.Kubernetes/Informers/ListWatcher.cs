using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Mesh.Kubernetes.Client;

namespace Mesh.Kubernetes.Informers;

/// <summary>
/// One generated list operation of KubernetesClient (<c>List...WithHttpMessagesAsync</c>), called with
/// <paramref name="watch"/> false for a page and true for a watch of the same collection.
/// </summary>
internal delegate Task<HttpOperationResponse<TList>> ListCall<TList>(bool watch, ListWatchQuery query, CancellationToken cancellationToken);

/// <summary>An <see cref="IListWatcher{T}"/> over one list operation and the library's watch reader.</summary>
internal sealed class ListWatcher<T, TList>(string resource, ListCall<TList> call) : IListWatcher<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
    where TList : IItems<T>, IMetadata<V1ListMeta>
{
    public string Resource => resource;

    public async Task<ListPage<T>> ListAsync(ListWatchQuery query, CancellationToken cancellationToken)
    {
        using var response = await CallAsync(false, query, cancellationToken);
        var list = response.Body;
        var next = list?.Metadata?.ContinueProperty;
        return new ListPage<T>(list?.Items ?? [], list?.Metadata?.ResourceVersion ?? "", string.IsNullOrEmpty(next) ? null : next);
    }

    public async IAsyncEnumerable<(WatchEventType Type, T Object)> WatchAsync(
        ListWatchQuery query,
        Action<Exception> onError,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // The library's only typed reader of a watch stream for any collection (custom resources included); it is
        // marked obsolete in favour of per-type generated methods, which custom resources do not have.
#pragma warning disable CS0618
        var events = CallAsync(true, query, cancellationToken).WatchAsync<T, TList>(onError, cancellationToken);
#pragma warning restore CS0618
        await using var enumerator = events.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            bool more;
            try
            {
                more = await enumerator.MoveNextAsync();
            }
            catch (HttpRequestException e) when (e.InnerException is EndOfStreamException)
            {
                // The server ended the watch before its first event (its timeout with nothing to report): the
                // library peeks a first line that is not there. For the informer that is an empty watch, not a failure.
                yield break;
            }

            if (!more)
            {
                yield break;
            }

            yield return enumerator.Current;
        }
    }

    private async Task<HttpOperationResponse<TList>> CallAsync(bool watch, ListWatchQuery query, CancellationToken cancellationToken)
    {
        try
        {
            return await call(watch, query, cancellationToken);
        }
        catch (HttpOperationException e)
        {
            throw ApiErrors.From(e);
        }
        catch (JsonException e) when (watch)
        {
            // The library parses the first line of a watch as the response body before its reader takes over.
            throw new InvalidDataException($"The first event of the watch of {resource} cannot be read: {e.Message}", e);
        }
    }
}
