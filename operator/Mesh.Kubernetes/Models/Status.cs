using System.Text.Json.Serialization;

namespace Mesh.Kubernetes.Models;

/// <summary>
/// Kubernetes' <c>metav1.Status</c>: the body of every failed API call and of watch ERROR events.
/// </summary>
public sealed class Status
{
    public string? ApiVersion { get; set; } = "v1";

    public string? Kind { get; set; } = "Status";

    /// <summary>The <c>status</c> field: "Success" or "Failure".</summary>
    [JsonPropertyName("status")]
    public string? Outcome { get; set; }

    public string? Message { get; set; }

    /// <summary>Machine-readable reason: NotFound, AlreadyExists, Conflict, Expired, Gone, TooManyRequests, ...</summary>
    public string? Reason { get; set; }

    public StatusDetails? Details { get; set; }

    public int? Code { get; set; }
}

/// <summary>What a <see cref="Status"/> is about and, for throttling, when to retry.</summary>
public sealed class StatusDetails
{
    public string? Name { get; set; }

    public string? Group { get; set; }

    public string? Kind { get; set; }

    public string? Uid { get; set; }

    public List<StatusCause>? Causes { get; set; }

    public int? RetryAfterSeconds { get; set; }
}

/// <summary>One cause of a failure, such as an invalid field.</summary>
public sealed class StatusCause
{
    public string? Reason { get; set; }

    public string? Message { get; set; }

    public string? Field { get; set; }
}
