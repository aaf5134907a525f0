using Grpc.Core;
using Grpc.Health.V1;
using Mesh.Api.V1;

namespace Mesh.Operator.ConfigServer;

/// <summary>
/// <c>grpc.health.v1.Health</c> on the gRPC port, for <c>grpc_health_probe</c> and Kubernetes' gRPC probes. The
/// server ("") and <c>mesh.v1.ConfigDiscovery</c> are SERVING once the first compile is published and NOT_SERVING
/// before that and while draining; any other name is NOT_FOUND, as the protocol says. A Watch ends after reporting
/// NOT_SERVING on drain, so that it does not hold the operator's shutdown as a long-lived call would.
/// </summary>
internal sealed class HealthService(ServingState state) : Health.HealthBase
{
    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        EnsureKnown(request.Service);
        return Task.FromResult(new HealthCheckResponse { Status = Current() });
    }

    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        EnsureKnown(request.Service);
        HealthCheckResponse.Types.ServingStatus? sent = null;
        while (!context.CancellationToken.IsCancellationRequested)
        {
            var changed = state.Changed;
            var status = Current();
            if (status != sent)
            {
                await responseStream.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken);
                sent = status;
            }

            if (state.Draining)
            {
                return;
            }

            await changed.WaitAsync(context.CancellationToken);
        }
    }

    private HealthCheckResponse.Types.ServingStatus Current() => state.Serving
        ? HealthCheckResponse.Types.ServingStatus.Serving
        : HealthCheckResponse.Types.ServingStatus.NotServing;

    private static void EnsureKnown(string service)
    {
        if (service.Length > 0 && service != ConfigDiscoveryMethods.ServiceName)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"unknown service '{service}'; this server reports '' and '{ConfigDiscoveryMethods.ServiceName}'"));
        }
    }
}
