using k8s;
using k8s.Models;
using Mesh.Kubernetes.Models;

namespace Mesh.Kubernetes.Client;

/// <summary>The <c>type</c> of a watch event.</summary>
public enum WatchEventType
{
    Added,
    Modified,
    Deleted,

    /// <summary>Only <c>metadata.resourceVersion</c> of the object is meaningful: the watch is current up to it.</summary>
    Bookmark,

    /// <summary>The object is a <see cref="Models.Status"/>; the server ends the watch after it.</summary>
    Error,
}

/// <summary>One event of a watch stream. <see cref="Object"/> is null for ERROR events, <see cref="Status"/> set.</summary>
public sealed record WatchEvent<T>(WatchEventType Type, T? Object, Status? Status = null)
    where T : class, IKubernetesObject<V1ObjectMeta>;
