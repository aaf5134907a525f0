using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace Mesh.Kubernetes.Client;

/// <summary>
/// The REST verbs of <see cref="IKubernetesClient"/> on KubernetesClient's <see cref="k8s.Kubernetes"/>: its
/// configuration, authentication and connection pool, with <see cref="RetryHandler"/> in its pipeline.
/// </summary>
internal sealed class KubernetesApiClient : IKubernetesClient
{
    private readonly KubernetesApi _api;

    public KubernetesApiClient(
        k8s.KubernetesClientConfiguration config,
        KubernetesClientOptions options,
        TimeProvider timeProvider,
        ILogger<KubernetesApiClient> logger)
    {
        DefaultNamespace = string.IsNullOrEmpty(config.Namespace) ? "default" : config.Namespace;
        var hardened = ServerTrust.Harden(config);
        hardened.HttpClientTimeout = options.RequestTimeout;
        hardened.UserAgent = options.UserAgent;
        _api = new KubernetesApi(hardened, new RetryHandler(options, timeProvider, logger));
    }

    public string DefaultNamespace { get; }

    public k8s.IKubernetes Api => _api;

    public Task<T> GetAsync<T>(ResourceType type, string? @namespace, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => SendForObjectAsync<T>(HttpMethod.Get, type.ObjectPath(@namespace, name), null, null, cancellationToken);

    public async Task<ObjectList<T>> ListAsync<T>(ResourceType type, string? @namespace, ListOptions? options, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var query = new QueryBuilder();
        if (options is not null)
        {
            query.Add("labelSelector", options.LabelSelector);
            query.Add("fieldSelector", options.FieldSelector);
            query.Add("limit", options.Limit?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            query.Add("continue", options.Continue);
            query.Add("resourceVersion", options.ResourceVersion);
        }

        using var response = await SendAsync(HttpMethod.Get, type.CollectionPath(@namespace) + query, null, null, cancellationToken);
        var list = await response.Content.ReadFromJsonAsync<ListBody<T>>(KubernetesJson.Options, cancellationToken)
            ?? throw new InvalidDataException("The API server returned an empty list body.");
        return new ObjectList<T>(list.Items ?? [], list.Metadata?.ResourceVersion ?? "", string.IsNullOrEmpty(list.Metadata?.Continue) ? null : list.Metadata.Continue);
    }

    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync<T>(
        ResourceType type,
        string? @namespace,
        WatchOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var query = new QueryBuilder();
        query.Add("watch", "1");
        query.Add("resourceVersion", options.ResourceVersion);
        query.Add("allowWatchBookmarks", options.AllowBookmarks ? "true" : null);
        query.Add("timeoutSeconds", options.Timeout is { } timeout ? ((long)timeout.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
        query.Add("labelSelector", options.LabelSelector);
        query.Add("fieldSelector", options.FieldSelector);

        using var response = await SendAsync(HttpMethod.Get, type.CollectionPath(@namespace) + query, null, null, cancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: false);
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length > 0)
            {
                yield return WatchEventParser.Parse<T>(line);
            }
        }
    }

    public Task<T> CreateAsync<T>(ResourceType type, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var path = type.CollectionPath(type.Namespaced ? obj.Metadata.NamespaceProperty ?? DefaultNamespace : null);
        return SendForObjectAsync<T>(HttpMethod.Post, path, Serialize(obj), null, cancellationToken);
    }

    public Task<T> ReplaceAsync<T>(ResourceType type, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => SendForObjectAsync<T>(HttpMethod.Put, PathOf(type, obj, null), Serialize(obj), null, cancellationToken);

    public Task<T> PatchAsync<T>(ResourceType type, string? @namespace, string name, KubernetesPatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => PatchCoreAsync<T>(type.ObjectPath(@namespace, name), patch, cancellationToken);

    public Task<T> GetStatusAsync<T>(ResourceType type, string? @namespace, string name, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => SendForObjectAsync<T>(HttpMethod.Get, type.ObjectPath(@namespace, name, "status"), null, null, cancellationToken);

    public Task<T> ReplaceStatusAsync<T>(ResourceType type, T obj, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => SendForObjectAsync<T>(HttpMethod.Put, PathOf(type, obj, "status"), Serialize(obj), null, cancellationToken);

    public Task<T> PatchStatusAsync<T>(ResourceType type, string? @namespace, string name, KubernetesPatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => PatchCoreAsync<T>(type.ObjectPath(@namespace, name, "status"), patch, cancellationToken);

    public async Task DeleteAsync(ResourceType type, string? @namespace, string name, string? resourceVersion, CancellationToken cancellationToken)
    {
        byte[]? body = null;
        if (resourceVersion is not null)
        {
            body = JsonSerializer.SerializeToUtf8Bytes(
                new DeleteOptionsBody(new Preconditions(resourceVersion)), KubernetesJson.Options);
        }

        using var response = await SendAsync(HttpMethod.Delete, type.ObjectPath(@namespace, name), body, null, cancellationToken);
    }

    public void Dispose() => _api.Dispose();

    private Task<T> PatchCoreAsync<T>(string path, KubernetesPatch patch, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var query = new QueryBuilder();
        if (patch.Type == PatchType.Apply && string.IsNullOrEmpty(patch.FieldManager))
        {
            throw new ArgumentException("Server-side apply needs a field manager.", nameof(patch));
        }

        query.Add("fieldManager", patch.FieldManager);
        query.Add("force", patch.Type == PatchType.Apply && patch.Force ? "true" : null);
        return SendForObjectAsync<T>(HttpMethod.Patch, path + query, System.Text.Encoding.UTF8.GetBytes(patch.Content), patch.MediaType, cancellationToken);
    }

    private string PathOf<T>(ResourceType type, T obj, string? subresource)
        where T : IKubernetesObject<V1ObjectMeta>
        => type.ObjectPath(type.Namespaced ? obj.Metadata.NamespaceProperty ?? DefaultNamespace : null, obj.Metadata.Name ?? "", subresource);

    private static byte[] Serialize<T>(T obj)
        where T : IKubernetesObject<V1ObjectMeta>
        => JsonSerializer.SerializeToUtf8Bytes(obj, KubernetesJson.Options);

    private async Task<T> SendForObjectAsync<T>(HttpMethod method, string path, byte[]? body, string? mediaType, CancellationToken cancellationToken)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        using var response = await SendAsync(method, path, body, mediaType, cancellationToken);
        return await response.Content.ReadFromJsonAsync<T>(KubernetesJson.Options, cancellationToken)
            ?? throw new InvalidDataException($"The API server returned an empty body for {method} {path}.");
    }

    /// <summary>A successful response with its headers read (the caller disposes it); failures as <see cref="KubernetesException"/>.</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, byte[]? body, string? mediaType, CancellationToken cancellationToken)
    {
        try
        {
            return await _api.SendAsync(method, path, body, mediaType, cancellationToken);
        }
        catch (HttpOperationException e)
        {
            throw ApiErrors.From(e);
        }
    }

    private sealed class ListBody<T>
    {
        public ListMeta? Metadata { get; set; }

        public List<T>? Items { get; set; }
    }

    private sealed class ListMeta
    {
        public string? ResourceVersion { get; set; }

        public string? Continue { get; set; }
    }

    private sealed record DeleteOptionsBody(Preconditions Preconditions)
    {
        public string Kind => "DeleteOptions";

        public string ApiVersion => "v1";
    }

    private sealed record Preconditions(string ResourceVersion);
}
