using Grpc.AspNetCore.Server.Model;
using Mesh.Kubernetes.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.Identity;

/// <summary>Registers the mesh CA and maps SignCertificate.</summary>
internal static class IdentityServiceCollectionExtensions
{
    /// <summary>
    /// The CA's store: given files when <see cref="IdentitySetup.CaCertificateFile"/> is set; otherwise a directory in
    /// local mode or the <c>mesh-ca</c> Secret in kube mode. Callers are authenticated by a bootstrap token in local
    /// mode and by TokenReview in kube mode (its answers cached, see
    /// <see cref="TokenReviewCacheOptions"/>); the config stream uses the same authenticator.
    /// </summary>
    public static IServiceCollection AddWorkloadIdentity(this IServiceCollection services, IdentitySetup setup)
    {
        services.AddOptions<CertificateAuthorityOptions>().Configure(o => o.TrustDomain = setup.TrustDomain);
        if (setup.CaCertificateFile is not null || setup.CaKeyFile is not null)
        {
            if (setup.CaCertificateFile is null || setup.CaKeyFile is null)
            {
                throw new ArgumentException("--ca-cert-file and --ca-key-file go together.");
            }

            services.AddSingleton<ICaStore>(new ProvidedCaStore(setup.CaCertificateFile, setup.CaKeyFile, setup.CaRootFile));
        }
        else if (setup.LocalMode)
        {
            services.AddSingleton<ICaStore>(provider => new DirectoryCaStore(
                setup.CaDirectory,
                provider.GetRequiredService<IOptions<CertificateAuthorityOptions>>().Value,
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<DirectoryCaStore>>()));
        }
        else
        {
            services.AddSingleton<ICaStore>(provider => new SecretCaStore(
                provider.GetRequiredService<IKubernetesClient>(),
                setup.Namespace,
                provider.GetRequiredService<IOptions<CertificateAuthorityOptions>>().Value,
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<SecretCaStore>>()));
        }

        if (setup.LocalMode)
        {
            var (token, path) = BootstrapTokenFile.LoadOrCreate(setup.BootstrapTokenFile, setup.CaDirectory, out var generated);
            services.AddSingleton(new BootstrapTokenLocation(path, generated));
            services.AddSingleton<IWorkloadAuthenticator>(new BootstrapTokenAuthenticator(token));
        }
        else
        {
            services.AddOptions<TokenReviewCacheOptions>();
            services.AddSingleton<TokenReviewAuthenticator>();
            services.AddSingleton<IWorkloadAuthenticator>(provider => new CachingWorkloadAuthenticator(
                provider.GetRequiredService<TokenReviewAuthenticator>(),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<IOptions<TokenReviewCacheOptions>>()));
        }

        services.AddSingleton<CertificateAuthority>();
        services.AddSingleton<CertificateSigningService>();
        services.AddSingleton<IServiceMethodProvider<CertificateSigningService>, CertificateSigningMethodProvider>();
        services.AddHostedService<CertificateAuthorityWarmup>();
        return services;
    }

    public static IEndpointConventionBuilder MapCertificateSigning(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGrpcService<CertificateSigningService>();
}
