using Mesh.Api.V1;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Compiler;

/// <summary>
/// What compiling one workload-selected DestinationRule needs to fill in tls.credentialName: the Secrets of the rule's
/// namespace (the proxies it applies to are all there) and where to report a Secret it cannot use.
/// </summary>
internal sealed class RuleCredentials(SecretCredentials secrets, string ns, Action<ClientTlsSettings, string> problem)
{
    public void Fill(ClientTls proto, ClientTlsSettings tls)
    {
        if (string.IsNullOrEmpty(tls.CredentialName) || proto.Mode is not (ClientTls.Types.Mode.Simple or ClientTls.Types.Mode.Mutual))
        {
            return;
        }

        proto.CredentialName = tls.CredentialName;
        var (credential, error) = secrets.Resolve(ns, tls.CredentialName, proto.Mode == ClientTls.Types.Mode.Mutual, !proto.InsecureSkipVerify);
        if (error is not null)
        {
            problem(tls, error);
        }

        proto.Credential = credential;
    }
}
