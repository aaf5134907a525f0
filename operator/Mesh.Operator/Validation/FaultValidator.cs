using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>
/// Checks <c>fault</c> as Istio does: a delay and/or an abort; percentages 0 or within [0.0001, 100]; a delay's
/// duration; an abort's HTTP status in 200-600 or a gRPC status name (an abort with neither is a warning);
/// exponentialDelay and http2Error refused, which Istio does not support either.
/// </summary>
internal static class FaultValidator
{
    private static readonly string[] GrpcStatuses =
    [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED",
        "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ];

    public static void Validate(DiagnosticBag bag, HttpFaultInjection fault, string path)
    {
        if (fault.Delay is null && fault.Abort is null)
        {
            bag.Error(path, "a fault needs a delay or an abort");
        }

        if (fault.Delay is { } delay)
        {
            CheckPercentage(bag, path + ".delay.percentage.value", delay.Percentage?.Value);
            if (delay.FixedDelay is null)
            {
                bag.Warning(path + ".delay", "a delay without fixedDelay injects nothing");
            }

            ValidationContext.CheckDuration(bag, new(path, ".delay.fixedDelay"), delay.FixedDelay);
            if (delay.ExponentialDelay is not null)
            {
                bag.Error(path + ".delay.exponentialDelay", "exponentialDelay is not supported (Istio rejects it too); use fixedDelay");
            }
        }

        if (fault.Abort is { } abort)
        {
            CheckPercentage(bag, path + ".abort.percentage.value", abort.Percentage?.Value);
            if (abort.Http2Error is not null)
            {
                bag.Error(path + ".abort.http2Error", "HTTP/2 error aborts are not supported (Istio rejects them too); use httpStatus or grpcStatus");
            }
            if (abort.HttpStatus is { } status)
            {
                if (status is < 200 or > 600)
                {
                    bag.Error(path + ".abort.httpStatus", $"HTTP status {status} is not in range 200-599");
                }
            }
            else if (abort.GrpcStatus is { } grpc)
            {
                if (!GrpcStatuses.Contains(grpc, StringComparer.Ordinal))
                {
                    bag.Error(path + ".abort.grpcStatus", $"'{grpc}' is not a gRPC status name (e.g. UNAVAILABLE, NOT_FOUND)");
                }
            }
            else
            {
                bag.Warning(path + ".abort", "an abort without httpStatus or grpcStatus injects nothing");
            }
        }
    }

    /// <summary>The code of a gRPC status name (UNAVAILABLE is 14), or null for a name that is none.</summary>
    public static int? GrpcStatusCode(string name)
    {
        var code = Array.IndexOf(GrpcStatuses, name);
        return code < 0 ? null : code;
    }

    private static void CheckPercentage(DiagnosticBag bag, string path, double? value)
    {
        if (value is { } v && (double.IsNaN(v) || v < 0 || v > 100 || (v > 0 && v < 0.0001)))
        {
            bag.Error(path, $"a percentage must be 0 or between 0.0001 and 100, got {v}");
        }
    }
}
