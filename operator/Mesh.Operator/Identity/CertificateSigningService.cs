using Grpc.Core;
using Mesh.Api.V1;
using Mesh.Kubernetes.Client;
using Mesh.Operator.Telemetry;
using Microsoft.Extensions.Logging;

namespace Mesh.Operator.Identity;

/// <summary>
/// Serves <c>mesh.v1.ConfigDiscovery/SignCertificate</c>: authenticates the caller, then has the CA sign the CSR for
/// that identity. Failures end the call with UNAUTHENTICATED (who are you), INVALID_ARGUMENT (what you sent) or
/// UNAVAILABLE (the CA or the API server cannot answer now; retry).
/// </summary>
internal sealed partial class CertificateSigningService(
    IWorkloadAuthenticator authenticator,
    CertificateAuthority authority,
    OperatorMetrics metrics,
    ILogger<CertificateSigningService> logger)
{
    public async Task<SignCertificateResponse> SignCertificateAsync(SignCertificateRequest request, ServerCallContext context)
    {
        WorkloadIdentity identity;
        try
        {
            identity = await authenticator.AuthenticateAsync(context.RequestHeaders, context.CancellationToken);
        }
        catch (WorkloadAuthenticationException ex)
        {
            throw Reject("unauthenticated", StatusCode.Unauthenticated, ex.Message, context.Peer);
        }
        catch (KubernetesException ex)
        {
            throw Reject("unavailable", StatusCode.Unavailable, $"the token could not be reviewed: {ex.Message}", context.Peer);
        }

        try
        {
            var response = await authority.SignAsync(request.CsrPem, request.TtlSeconds, identity, context.CancellationToken);
            metrics.CertificateIssued();
            return response;
        }
        catch (CertificateRequestException ex)
        {
            throw Reject("invalid", StatusCode.InvalidArgument, ex.Message, context.Peer);
        }
        catch (Exception ex) when (ex is KubernetesException or InvalidDataException or HttpRequestException)
        {
            throw Reject("unavailable", StatusCode.Unavailable, $"the CA is not ready: {ex.Message}", context.Peer);
        }
    }

    private RpcException Reject(string reason, StatusCode code, string message, string peer)
    {
        metrics.CertificateRejected(reason);
        LogRejected(peer, code, message);
        return new RpcException(new Status(code, message));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a certificate to {Peer}: {Code} {Reason}")]
    private partial void LogRejected(string peer, StatusCode code, string reason);
}
