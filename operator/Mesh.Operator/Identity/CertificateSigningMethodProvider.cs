using Grpc.AspNetCore.Server.Model;
using Mesh.Api.V1;

namespace Mesh.Operator.Identity;

/// <summary>
/// Binds <c>mesh.v1.ConfigDiscovery/SignCertificate</c> to <see cref="CertificateSigningService"/>. StreamConfig of the
/// same gRPC service is bound by the config server; Grpc.AspNetCore routes each method on its own.
/// </summary>
internal sealed class CertificateSigningMethodProvider : IServiceMethodProvider<CertificateSigningService>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<CertificateSigningService> context) =>
        context.AddUnaryMethod(
            ConfigDiscoveryMethods.SignCertificate,
            [],
            static (service, request, call) => service.SignCertificateAsync(request, call));
}
