using System.Net;
using k8s.Models;

namespace Mesh.Kubernetes.Client;

/// <summary>A failed API call or watch ERROR event, carrying the API server's <see cref="V1Status"/>.</summary>
public sealed class KubernetesException : Exception
{
    public KubernetesException(V1Status status, Exception? innerException = null)
        : base(FormatMessage(status), innerException)
    {
        Status = status;
    }

    /// <summary>The API server's explanation (synthesized from the HTTP status when the body was not a Status).</summary>
    public V1Status Status { get; }

    /// <summary>The HTTP status code (or the Status' <c>code</c> for watch ERROR events).</summary>
    public HttpStatusCode Code => (HttpStatusCode)(Status.Code ?? 0);

    /// <summary>NotFound, AlreadyExists, Conflict, Expired, Gone, TooManyRequests, Invalid, ... (may be empty).</summary>
    public string Reason => Status.Reason ?? "";

    public bool IsNotFound => Code == HttpStatusCode.NotFound || Reason == "NotFound";

    public bool IsConflict => Code == HttpStatusCode.Conflict && Reason != "AlreadyExists";

    public bool IsAlreadyExists => Reason == "AlreadyExists";

    /// <summary>The resourceVersion asked for is older than the server keeps (410 Gone / reason Expired): relist.</summary>
    public bool IsResourceExpired => Code == HttpStatusCode.Gone || Reason is "Expired" or "Gone";

    private static string FormatMessage(V1Status status)
        => $"Kubernetes API error {status.Code} {status.Reason}: {status.Message}";
}
