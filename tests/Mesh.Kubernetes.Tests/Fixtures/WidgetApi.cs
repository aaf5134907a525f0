using k8s;
using k8s.Models;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Informers;

namespace Mesh.Kubernetes.Tests.Fixtures;

/// <summary>
/// Widget calls through KubernetesClient's custom-object API (the official client the fake API server must satisfy),
/// failures as <see cref="Client.KubernetesException"/>.
/// </summary>
internal static class WidgetApi
{
    private const string Group = "test.mesh.io";
    private const string Version = "v1";
    private const string Plural = "widgets";

    public static Task<Widget> CreateWidgetAsync(this IKubernetesClient client, Widget widget, CancellationToken cancellationToken)
    {
        widget.ApiVersion ??= $"{Group}/{Version}";
        widget.Kind ??= "Widget";
        return client.CallAsync(api => api.CustomObjects.CreateNamespacedCustomObjectAsync<Widget>(
            widget, Group, Version, widget.Metadata.NamespaceProperty, Plural, cancellationToken: cancellationToken));
    }

    public static Task<Widget> GetWidgetAsync(this IKubernetesClient client, string @namespace, string name, CancellationToken cancellationToken)
        => client.CallAsync(api => api.CustomObjects.GetNamespacedCustomObjectAsync<Widget>(Group, Version, @namespace, Plural, name, cancellationToken));

    public static Task<Widget> ReplaceWidgetAsync(this IKubernetesClient client, Widget widget, CancellationToken cancellationToken)
        => client.CallAsync(api => api.CustomObjects.ReplaceNamespacedCustomObjectAsync<Widget>(
            widget, Group, Version, widget.Metadata.NamespaceProperty, Plural, widget.Metadata.Name, cancellationToken: cancellationToken));

    public static Task<Widget> PatchWidgetAsync(this IKubernetesClient client, string @namespace, string name, V1Patch patch, CancellationToken cancellationToken)
        => client.CallAsync(api => api.CustomObjects.PatchNamespacedCustomObjectAsync<Widget>(
            patch, Group, Version, @namespace, Plural, name, cancellationToken: cancellationToken));

    public static Task<Widget> PatchWidgetStatusAsync(this IKubernetesClient client, string @namespace, string name, V1Patch patch, CancellationToken cancellationToken)
        => client.CallAsync(api => api.CustomObjects.PatchNamespacedCustomObjectStatusAsync<Widget>(
            patch, Group, Version, @namespace, Plural, name, cancellationToken: cancellationToken));

    public static Task<Widget> ReplaceWidgetStatusAsync(this IKubernetesClient client, Widget widget, CancellationToken cancellationToken)
        => client.CallAsync(api => api.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<Widget>(
            widget, Group, Version, widget.Metadata.NamespaceProperty, Plural, widget.Metadata.Name, cancellationToken: cancellationToken));

    public static Task<Widget> GetWidgetStatusAsync(this IKubernetesClient client, string @namespace, string name, CancellationToken cancellationToken)
        => client.CallAsync(api => api.CustomObjects.GetNamespacedCustomObjectStatusAsync<Widget>(Group, Version, @namespace, Plural, name, cancellationToken));

    /// <summary>Deletes; with <paramref name="resourceVersion"/> only that version (409 otherwise).</summary>
    public static Task DeleteWidgetAsync(this IKubernetesClient client, string @namespace, string name, string? resourceVersion, CancellationToken cancellationToken)
        => client.CallAsync(api => api.CustomObjects.DeleteNamespacedCustomObjectAsync(
            Group, Version, @namespace, Plural, name,
            body: resourceVersion is null ? null : new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = resourceVersion } },
            cancellationToken: cancellationToken));

    public static V1Patch Merge(string json) => new(json, V1Patch.PatchType.MergePatch);

    public static V1Patch Json(string json) => new(json, V1Patch.PatchType.JsonPatch);

    /// <summary>Server-side apply of <paramref name="body"/> as <paramref name="fieldManager"/>.</summary>
    public static Task<Widget> ApplyWidgetAsync(this IKubernetesClient client, string @namespace, string name, string body, string fieldManager, bool force, CancellationToken cancellationToken)
        => client.CallAsync(api => api.CustomObjects.PatchNamespacedCustomObjectAsync<Widget>(
            new V1Patch(body, V1Patch.PatchType.ApplyPatch), Group, Version, @namespace, Plural, name,
            fieldManager: fieldManager, force: force ? true : null, cancellationToken: cancellationToken));

    /// <summary>One page of Widgets, through the list-watcher the informers use.</summary>
    public static Task<ListPage<Widget>> ListWidgetsAsync(this IKubernetesClient client, string? @namespace, ListWatchQuery? query, CancellationToken cancellationToken)
        => ListWatchers.CustomObjects<Widget>(client.Api, @namespace).ListAsync(query ?? new ListWatchQuery(), cancellationToken);

    /// <summary>A watch of Widgets, through the list-watcher the informers use.</summary>
    public static IAsyncEnumerable<(WatchEventType Type, Widget Object)> WatchWidgets(
        this IKubernetesClient client, string? @namespace, ListWatchQuery? query, Action<Exception>? onError, CancellationToken cancellationToken)
        => ListWatchers.CustomObjects<Widget>(client.Api, @namespace).WatchAsync(query ?? new ListWatchQuery(), onError ?? (_ => { }), cancellationToken);
}
