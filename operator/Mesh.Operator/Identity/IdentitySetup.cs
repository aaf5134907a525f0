namespace Mesh.Operator.Identity;

/// <summary>The CA-related flags of <c>mesh-operator run</c>, resolved (paths absolute, namespace known).</summary>
internal sealed record IdentitySetup(
    bool LocalMode,
    string Namespace,
    string CaDirectory,
    string? CaCertificateFile,
    string? CaKeyFile,
    string? CaRootFile,
    string? BootstrapTokenFile,
    string TrustDomain);
