using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Forwarding;

/// <summary>
/// Fault injection: a delay and/or an abort, each applied to a percentage of requests (0 injects nothing). A gRPC
/// abort answers as a gRPC server does when a call fails before any message: HTTP 200 and a trailers-only response
/// (grpc-status in the headers), as Envoy's fault filter does for Istio's grpcStatus.
/// </summary>
internal sealed class FaultPolicy
{
    private readonly TimeSpan _delay;
    private readonly double _delayPercentage;
    private readonly int _abortStatus;
    private readonly double _abortPercentage;
    private readonly string? _grpcStatus;

    private FaultPolicy(TimeSpan delay, double delayPercentage, int abortStatus, double abortPercentage, string? grpcStatus)
    {
        _grpcStatus = grpcStatus;
        _delay = delay;
        _delayPercentage = delayPercentage;
        _abortStatus = abortStatus;
        _abortPercentage = abortPercentage;
    }

    public static FaultPolicy? Create(Api.V1.FaultInjection? proto, string path)
    {
        if (proto is null || (proto.Delay is null && proto.Abort is null))
        {
            return null;
        }

        var delay = proto.Delay?.FixedDelay?.ToTimeSpan() ?? TimeSpan.Zero;
        var delayPercentage = Percentage(proto.Delay?.Percentage ?? 0, path + ".delay.percentage");
        if (delay < TimeSpan.Zero)
        {
            throw new Config.InvalidProxyConfigException(path + ".delay.fixed_delay", "must not be negative");
        }

        var abortStatus = (int)(proto.Abort?.HttpStatus ?? 0);
        var abortPercentage = Percentage(proto.Abort?.Percentage ?? 0, path + ".abort.percentage");
        string? grpcStatus = null;
        if (proto.Abort is { HasGrpcStatus: true } grpc)
        {
            grpcStatus = grpc.GrpcStatus <= 16
                ? grpc.GrpcStatus.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : throw new Config.InvalidProxyConfigException(path + ".abort.grpc_status", $"{grpc.GrpcStatus} is not a gRPC status code (0-16)");
        }
        else if (proto.Abort is not null && abortStatus is < 200 or > 599)
        {
            throw new Config.InvalidProxyConfigException(path + ".abort.http_status", $"{abortStatus} is not an HTTP status (200-599)");
        }

        return new FaultPolicy(delay, delayPercentage, abortStatus, abortPercentage, grpcStatus);
    }

    /// <summary>Delays the request if chosen, then answers it with the abort status if chosen (true: answered).</summary>
    public async ValueTask<bool> InjectAsync(HttpContext context, TimeProvider time, CancellationToken cancellationToken)
    {
        if (_delayPercentage > 0 && _delay > TimeSpan.Zero && Random.Shared.NextDouble() * 100 < _delayPercentage)
        {
            await Task.Delay(_delay, time, cancellationToken);
        }

        if (_abortPercentage > 0 && Random.Shared.NextDouble() * 100 < _abortPercentage)
        {
            if (_grpcStatus is not null)
            {
                context.Response.StatusCode = StatusCodes.Status200OK;
                context.Response.ContentType = "application/grpc";
                context.Response.Headers["grpc-status"] = _grpcStatus;
                context.Response.Headers["grpc-message"] = "fault filter abort";
                return true;
            }

            context.Response.StatusCode = _abortStatus;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("fault filter abort", cancellationToken);
            return true;
        }

        return false;
    }

    private static double Percentage(double value, string path) =>
        value is >= 0 and <= 100 ? value : throw new Config.InvalidProxyConfigException(path, $"{value} is not within 0..100");
}
