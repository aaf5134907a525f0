namespace Mesh.Api.Grpc;

/// <summary>The state every call object exposes, whatever its shape.</summary>
internal interface IClientCall : IDisposable
{
    Task<Metadata> ResponseHeadersAsync { get; }

    Status GetStatus();

    Metadata GetTrailers();
}
