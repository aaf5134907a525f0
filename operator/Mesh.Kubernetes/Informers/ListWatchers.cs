using System.Reflection;
using k8s;
using k8s.Models;

namespace Mesh.Kubernetes.Informers;

/// <summary>
/// The collections the mesh watches, each on KubernetesClient's generated list operation (with
/// <c>watch</c>, <c>allowWatchBookmarks</c>, <c>resourceVersion</c>, <c>timeoutSeconds</c>, paging and selectors);
/// a null namespace means all namespaces.
/// </summary>
public static class ListWatchers
{
    public static IListWatcher<V1Pod> Pods(IKubernetes api, string? @namespace = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        return new ListWatcher<V1Pod, V1PodList>(V1Pod.KubePluralName, (watch, q, ct) => @namespace is null
            ? api.CoreV1.ListPodForAllNamespacesWithHttpMessagesAsync(
                allowWatchBookmarks: OnlyIf(watch), continueParameter: q.Continue, fieldSelector: q.FieldSelector, labelSelector: q.LabelSelector,
                limit: q.Limit, resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, watch: OnlyIf(watch), cancellationToken: ct)
            : api.CoreV1.ListNamespacedPodWithHttpMessagesAsync(
                @namespace, allowWatchBookmarks: OnlyIf(watch), continueParameter: q.Continue, fieldSelector: q.FieldSelector, labelSelector: q.LabelSelector,
                limit: q.Limit, resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, watch: OnlyIf(watch), cancellationToken: ct));
    }

    public static IListWatcher<V1Service> Services(IKubernetes api, string? @namespace = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        return new ListWatcher<V1Service, V1ServiceList>(V1Service.KubePluralName, (watch, q, ct) => @namespace is null
            ? api.CoreV1.ListServiceForAllNamespacesWithHttpMessagesAsync(
                allowWatchBookmarks: OnlyIf(watch), continueParameter: q.Continue, fieldSelector: q.FieldSelector, labelSelector: q.LabelSelector,
                limit: q.Limit, resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, watch: OnlyIf(watch), cancellationToken: ct)
            : api.CoreV1.ListNamespacedServiceWithHttpMessagesAsync(
                @namespace, allowWatchBookmarks: OnlyIf(watch), continueParameter: q.Continue, fieldSelector: q.FieldSelector, labelSelector: q.LabelSelector,
                limit: q.Limit, resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, watch: OnlyIf(watch), cancellationToken: ct));
    }

    public static IListWatcher<V1EndpointSlice> EndpointSlices(IKubernetes api, string? @namespace = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        return new ListWatcher<V1EndpointSlice, V1EndpointSliceList>(V1EndpointSlice.KubePluralName, (watch, q, ct) => @namespace is null
            ? api.DiscoveryV1.ListEndpointSliceForAllNamespacesWithHttpMessagesAsync(
                allowWatchBookmarks: OnlyIf(watch), continueParameter: q.Continue, fieldSelector: q.FieldSelector, labelSelector: q.LabelSelector,
                limit: q.Limit, resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, watch: OnlyIf(watch), cancellationToken: ct)
            : api.DiscoveryV1.ListNamespacedEndpointSliceWithHttpMessagesAsync(
                @namespace, allowWatchBookmarks: OnlyIf(watch), continueParameter: q.Continue, fieldSelector: q.FieldSelector, labelSelector: q.LabelSelector,
                limit: q.Limit, resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, watch: OnlyIf(watch), cancellationToken: ct));
    }

    /// <summary>Namespaces are cluster-scoped.</summary>
    public static IListWatcher<V1Namespace> Namespaces(IKubernetes api)
    {
        ArgumentNullException.ThrowIfNull(api);
        return new ListWatcher<V1Namespace, V1NamespaceList>(V1Namespace.KubePluralName, (watch, q, ct) =>
            api.CoreV1.ListNamespaceWithHttpMessagesAsync(
                allowWatchBookmarks: OnlyIf(watch), continueParameter: q.Continue, fieldSelector: q.FieldSelector, labelSelector: q.LabelSelector,
                limit: q.Limit, resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, watch: OnlyIf(watch), cancellationToken: ct));
    }

    /// <summary>
    /// A namespaced custom resource through the custom-object API; its group, version and plural come from the
    /// <see cref="KubernetesEntityAttribute"/> on <typeparamref name="T"/>, as for the library's own models.
    /// </summary>
    public static IListWatcher<T> CustomObjects<T>(IKubernetes api, string? @namespace = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(api);
        var (group, version, plural) = EntityOf<T>();
        return new ListWatcher<T, CustomResourceList<T>>(plural, (watch, q, ct) => @namespace is null
            ? api.CustomObjects.ListClusterCustomObjectWithHttpMessagesAsync<CustomResourceList<T>>(
                group, version, plural, allowWatchBookmarks: OnlyIf(watch), continueParameter: q.Continue, fieldSelector: q.FieldSelector,
                labelSelector: q.LabelSelector, limit: q.Limit, resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, watch: OnlyIf(watch),
                cancellationToken: ct)
            : api.CustomObjects.ListNamespacedCustomObjectWithHttpMessagesAsync<CustomResourceList<T>>(
                group, version, @namespace, plural, allowWatchBookmarks: OnlyIf(watch), continueParameter: q.Continue, fieldSelector: q.FieldSelector,
                labelSelector: q.LabelSelector, limit: q.Limit, resourceVersion: q.ResourceVersion, timeoutSeconds: q.TimeoutSeconds, watch: OnlyIf(watch),
                cancellationToken: ct));
    }

    /// <summary>The group, version and plural name a type declares with <see cref="KubernetesEntityAttribute"/>.</summary>
    public static (string Group, string Version, string Plural) EntityOf<T>()
    {
        var entity = typeof(T).GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new InvalidOperationException($"{typeof(T).Name} has no [KubernetesEntity] naming its group, version and plural.");
        return (entity.Group, entity.ApiVersion, entity.PluralName);
    }

    // Absent rather than false: a list sends neither watch nor allowWatchBookmarks, as client-go's does.
    private static bool? OnlyIf(bool watch) => watch ? true : null;
}
