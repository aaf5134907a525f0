namespace Mesh.Operator.Identity;

/// <summary>Where the CA's key material lives: loaded when present, generated and kept when not.</summary>
internal interface ICaStore
{
    /// <summary>A short description for logs (never the key): a directory, a Secret, files.</summary>
    string Description { get; }

    Task<CaKeyMaterial> LoadOrCreateAsync(CancellationToken cancellationToken);
}
