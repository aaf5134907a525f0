using System.Security.Cryptography;
using System.Text;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Models;
using Microsoft.Extensions.Logging;

namespace Mesh.Operator.Identity;

/// <summary>
/// Kube mode: the root in the Secret <c>mesh-ca</c> (keys <c>ca.crt</c>, <c>ca.key</c>) of the operator's namespace.
/// Created only when absent; when replicas race, the create that loses gets 409 AlreadyExists and reads the winner's,
/// so every replica signs with the same root. Needs RBAC get and create on secrets in that namespace.
/// </summary>
internal sealed partial class SecretCaStore(
    IKubernetesClient client,
    string @namespace,
    CertificateAuthorityOptions options,
    TimeProvider time,
    ILogger<SecretCaStore> logger) : ICaStore
{
    public const string SecretName = "mesh-ca";
    public const string CertificateKey = "ca.crt";
    public const string PrivateKeyKey = "ca.key";

    public string Description => $"Secret {@namespace}/{SecretName}";

    public async Task<CaKeyMaterial> LoadOrCreateAsync(CancellationToken cancellationToken)
    {
        Secret secret;
        try
        {
            secret = await client.GetAsync<Secret>(ResourceType.Secret, @namespace, SecretName, cancellationToken);
        }
        catch (KubernetesException ex) when (ex.IsNotFound)
        {
            secret = await CreateAsync(cancellationToken);
        }

        return Parse(secret);
    }

    private async Task<Secret> CreateAsync(CancellationToken cancellationToken)
    {
        var (certificatePem, keyPem) = RootCertificateFactory.Create(time.GetUtcNow(), options.RootLifetime, options.TrustDomain);
        var secret = new Secret
        {
            Metadata = new ObjectMeta
            {
                Name = SecretName,
                Namespace = @namespace,
                Labels = new() { ["app.kubernetes.io/managed-by"] = "mesh-operator" },
            },
            Type = "Opaque",
            Data = new()
            {
                [CertificateKey] = Encoding.UTF8.GetBytes(certificatePem),
                [PrivateKeyKey] = Encoding.UTF8.GetBytes(keyPem),
            },
        };
        try
        {
            var created = await client.CreateAsync(ResourceType.Secret, secret, cancellationToken);
            LogGenerated(@namespace, SecretName);
            return created;
        }
        catch (KubernetesException ex) when (ex.IsAlreadyExists || ex.Code == System.Net.HttpStatusCode.Conflict)
        {
            LogLostRace(@namespace, SecretName);
            return await client.GetAsync<Secret>(ResourceType.Secret, @namespace, SecretName, cancellationToken);
        }
    }

    private CaKeyMaterial Parse(Secret secret)
    {
        if (secret.Data is null || !secret.Data.TryGetValue(CertificateKey, out var certificate) || !secret.Data.TryGetValue(PrivateKeyKey, out var key))
        {
            throw new InvalidDataException($"The Secret {@namespace}/{SecretName} lacks {CertificateKey} or {PrivateKeyKey}; fix it or delete it to generate a new root.");
        }

        try
        {
            return CaKeyMaterial.FromPem(Encoding.UTF8.GetString(certificate), Encoding.UTF8.GetString(key), rootPem: null);
        }
        catch (CryptographicException ex)
        {
            throw new InvalidDataException($"The CA in Secret {@namespace}/{SecretName} cannot be used: {ex.Message}", ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Generated a new mesh root CA in Secret {Namespace}/{Name}")]
    private partial void LogGenerated(string @namespace, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Another replica created Secret {Namespace}/{Name} first; using its root CA")]
    private partial void LogLostRace(string @namespace, string name);
}
