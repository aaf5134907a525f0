using System.Security.Cryptography;
using System.Text;
using k8s;
using k8s.Models;
using Mesh.Kubernetes.Client;
using Microsoft.Extensions.Logging;
using KubernetesException = Mesh.Kubernetes.Client.KubernetesException;

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
        V1Secret secret;
        try
        {
            secret = await ReadAsync(cancellationToken);
        }
        catch (KubernetesException ex) when (ex.IsNotFound)
        {
            secret = await CreateAsync(cancellationToken);
        }

        return Parse(secret);
    }

    private Task<V1Secret> ReadAsync(CancellationToken cancellationToken)
        => client.CallAsync(api => api.CoreV1.ReadNamespacedSecretAsync(SecretName, @namespace, cancellationToken: cancellationToken));

    private async Task<V1Secret> CreateAsync(CancellationToken cancellationToken)
    {
        var (certificatePem, keyPem) = RootCertificateFactory.Create(time.GetUtcNow(), options.RootLifetime, options.TrustDomain);
        var secret = new V1Secret
        {
            // The library sends the object as given: the API server wants its type on a create.
            ApiVersion = V1Secret.KubeApiVersion,
            Kind = V1Secret.KubeKind,
            Metadata = new V1ObjectMeta
            {
                Name = SecretName,
                NamespaceProperty = @namespace,
                Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "mesh-operator" },
            },
            Type = "Opaque",
            Data = new Dictionary<string, byte[]>
            {
                [CertificateKey] = Encoding.UTF8.GetBytes(certificatePem),
                [PrivateKeyKey] = Encoding.UTF8.GetBytes(keyPem),
            },
        };
        try
        {
            var created = await client.CallAsync(api => api.CoreV1.CreateNamespacedSecretAsync(secret, @namespace, cancellationToken: cancellationToken));
            LogGenerated(@namespace, SecretName);
            return created;
        }
        catch (KubernetesException ex) when (ex.IsAlreadyExists || ex.Code == System.Net.HttpStatusCode.Conflict)
        {
            LogLostRace(@namespace, SecretName);
            return await ReadAsync(cancellationToken);
        }
    }

    private CaKeyMaterial Parse(V1Secret secret)
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
