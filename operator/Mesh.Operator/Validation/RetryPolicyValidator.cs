using System.Globalization;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>
/// Checks <c>retries</c> as Istio does: attempts not negative; no retry settings (perTryTimeout, retryOn,
/// retryRemoteLocalities) when attempts is 0 (or unset, which Istio reads as 0); perTryTimeout and backoff durations; each comma-separated <c>retryOn</c> entry an Envoy retry condition or
/// a known HTTP status code, spelled exactly (no spaces, no empty entries).
/// </summary>
internal static class RetryPolicyValidator
{
    private static readonly string[] Conditions =
    [
        "5xx", "gateway-error", "reset", "reset-before-request", "connect-failure", "envoy-ratelimited", "retriable-4xx",
        "refused-stream", "retriable-status-codes", "retriable-headers", "http3-post-connect-failure",
        "cancelled", "deadline-exceeded", "internal", "resource-exhausted", "unavailable",
    ];

    // The status codes with a reason phrase (IANA's registry as Go's net/http knows it), which Istio accepts in retryOn.
    private static readonly int[] KnownStatusCodes =
    [
        100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
        400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423,
        424, 425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
    ];

    public static void Validate(DiagnosticBag bag, HttpRetry retries, string path)
    {
        if (retries.Attempts is < 0)
        {
            bag.Error(path + ".attempts", $"attempts must not be negative, got {retries.Attempts}");
        }

        if ((retries.Attempts ?? 0) == 0 && (retries.PerTryTimeout is not null || !string.IsNullOrEmpty(retries.RetryOn) || retries.RetryRemoteLocalities is not null))
        {
            bag.Error(path + ".attempts", "retry settings are configured but attempts is 0 (retries disabled); set attempts");
        }

        ValidationContext.CheckDuration(bag, new(path, ".perTryTimeout"), retries.PerTryTimeout);
        ValidationContext.CheckDuration(bag, new(path, ".backoff"), retries.Backoff);
        if (string.IsNullOrEmpty(retries.RetryOn))
        {
            return;
        }

        foreach (var condition in retries.RetryOn.Split(','))
        {
            if (!Conditions.Contains(condition, StringComparer.Ordinal) &&
                !(condition.Length == 3 && int.TryParse(condition, NumberStyles.None, CultureInfo.InvariantCulture, out var status) && KnownStatusCodes.Contains(status)))
            {
                bag.Error(path + ".retryOn", $"'{condition}' is not a retry condition or a known HTTP status code");
            }
        }
    }

    internal static IEnumerable<string> SplitRetryOn(string? retryOn) =>
        (retryOn ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
