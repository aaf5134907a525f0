using System.Collections.Frozen;
using System.Net.Security;
using Mesh.Api.V1;
using Mesh.Proxy.Identity;

namespace Mesh.Proxy.Tls;

/// <summary>
/// A cluster's client TLS settings in runtime form: the mode, the SNI, the ALPN protocol of the cluster's upstream
/// protocol and, per endpoint, whether it is in the mesh and which identity it must present.
/// </summary>
internal sealed class UpstreamTls
{
    private static readonly List<SslApplicationProtocol> H2 = [SslApplicationProtocol.Http2];
    private static readonly List<SslApplicationProtocol> Http11 = [SslApplicationProtocol.Http11];

    private readonly FrozenDictionary<string, EndpointIdentity> _endpoints;

    private UpstreamTls(ClientTls.Types.Mode mode, string serverName, string[] subjectAltNames, List<SslApplicationProtocol> alpn, FrozenDictionary<string, EndpointIdentity> endpoints, IExternalTlsMaterial material)
    {
        Material = material;
        Mode = mode;
        ServerName = serverName;
        SubjectAltNames = subjectAltNames;
        ApplicationProtocols = alpn;
        _endpoints = endpoints;
    }

    public ClientTls.Types.Mode Mode { get; }

    /// <summary>The SNI: the configured one, else the service host.</summary>
    public string ServerName { get; }

    /// <summary>Identities (without <c>spiffe://</c>) any server of the cluster may present; empty: the endpoint's own.</summary>
    public string[] SubjectAltNames { get; }

    public List<SslApplicationProtocol> ApplicationProtocols { get; }

    /// <summary>SIMPLE and MUTUAL towards a host outside the mesh: the roots, the client certificate, whether to verify.</summary>
    public IExternalTlsMaterial Material { get; }

    /// <summary>What the pooled client's key must include so that a change of these settings gets fresh connections.</summary>
    public string Key => $"{Mode}|{ServerName}|{string.Join(',', SubjectAltNames)}|{Material}";

    /// <summary>Null when the cluster never uses TLS (DISABLE, or AUTO with no endpoint in the mesh).</summary>
    /// <param name="protocol">What the cluster speaks upstream (its port's protocol, or HTTP/2 after h2 upgrade): the ALPN offered.</param>
    /// <param name="previous">The cluster's settings in the config this one replaces: a Secret's material is kept from them when the new config has none usable.</param>
    public static UpstreamTls? Create(Cluster proto, UpstreamProtocol protocol, UpstreamTls? previous = null)
    {
        var tls = proto.Tls ?? new ClientTls();
        if (tls.Mode == ClientTls.Types.Mode.Disable || (tls.Mode == ClientTls.Types.Mode.Auto && !proto.Endpoints.Any(e => e.InMesh)))
        {
            return null;
        }

        var endpoints = proto.Endpoints
            .GroupBy(e => EndpointKey(e.Address, (int)e.Port), StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => new EndpointIdentity(g.First().InMesh, SpiffeId.WithoutScheme(g.First().Identity)), StringComparer.Ordinal);
        return new UpstreamTls(
            tls.Mode,
            tls.Sni.Length > 0 ? tls.Sni : proto.ServiceHost,
            tls.SubjectAltNames.Select(SpiffeId.WithoutScheme).ToArray(),
            protocol == UpstreamProtocol.Http2 ? H2 : Http11,
            endpoints,
            tls.CredentialName.Length > 0 && tls.Mode is ClientTls.Types.Mode.Simple or ClientTls.Types.Mode.Mutual
                ? SecretTlsMaterial.From(tls, previous?.Material)
                : new ExternalTlsFiles(tls.CaCertificates, tls.ClientCertificate, tls.PrivateKey, tls.InsecureSkipVerify));
    }

    private static string EndpointKey(string address, int port) => $"{address}:{port}";

    /// <summary>What the endpoint at <paramref name="address"/>:<paramref name="port"/> gets; unknown endpoints count as outside the mesh.</summary>
    public EndpointIdentity Endpoint(string address, int port) =>
        _endpoints.TryGetValue(EndpointKey(address, port), out var identity) ? identity : EndpointIdentity.OutsideMesh;

    /// <summary>Whether <paramref name="principal"/> may serve <paramref name="endpoint"/>.</summary>
    public bool Accepts(EndpointIdentity endpoint, string principal)
    {
        if (SubjectAltNames.Length > 0)
        {
            return Array.IndexOf(SubjectAltNames, principal) >= 0;
        }

        return endpoint.Identity.Length == 0 || string.Equals(endpoint.Identity, principal, StringComparison.Ordinal);
    }
}

/// <summary>One endpoint's mesh facts: whether it has a sidecar, and the identity it runs as (empty: any).</summary>
internal sealed record EndpointIdentity(bool InMesh, string Identity)
{
    public static readonly EndpointIdentity OutsideMesh = new(false, "");
}
