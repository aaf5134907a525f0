using Grpc.Core;

namespace Mesh.Operator.Tests.ConfigServer;

/// <summary>The call metadata a proxy authenticates its config stream with, as mesh-proxy sends it.</summary>
internal static class StreamCredentials
{
    /// <summary>Local mode: the bootstrap token and the claimed identity.</summary>
    public static Metadata Bootstrap(string token, string @namespace = "default", string serviceAccount = "default") => new()
    {
        { "authorization", "Bearer " + token },
        { "mesh-namespace", @namespace },
        { "mesh-service-account", serviceAccount },
    };

    /// <summary>Kube mode: a service-account token alone; the identity is what TokenReview says it is.</summary>
    public static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };
}
