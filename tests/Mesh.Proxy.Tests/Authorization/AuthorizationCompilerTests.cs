using Mesh.Api.V1;
using Mesh.Proxy.Authorization;
using Mesh.Proxy.Config;
using static Mesh.Proxy.Tests.Authorization.PolicyBuilder;

namespace Mesh.Proxy.Tests.Authorization;

/// <summary>A config Istio's validation would reject is NACKed with the field at fault, never enforced by guesswork.</summary>
public sealed class AuthorizationCompilerTests
{
    public static TheoryData<string, InboundConfig, string> Invalid() => new()
    {
        { "an empty source", Policies(Allow("ns/p", Rule(from: [From()]))), "inbound.authorization[0].rules[0].from[0]: a source must set at least one field" },
        { "an empty operation", Policies(Deny("ns/p", Rule(to: [To()]))), "inbound.authorization[0].rules[0].to[0]: an operation must set at least one field" },
        { "an empty path", Policies(Allow("ns/p"), Deny("ns/q", Rule(to: [To(paths: ["/a", ""])]))), "inbound.authorization[1].rules[0].to[0].paths[1]: must not be empty" },
        { "an empty principal", Policies(Allow("ns/p", Rule(from: [From(notPrincipals: [""])]))), "inbound.authorization[0].rules[0].from[0].not_principals[0]: must not be empty" },
        { "port 0", Policies(Allow("ns/p", Rule(to: [To(ports: [0])]))), "inbound.authorization[0].rules[0].to[0].ports[0]: 0 is not a port (1-65535)" },
        { "port 70000", Policies(Allow("ns/p", Rule(to: [To(ports: [70000])]))), "inbound.authorization[0].rules[0].to[0].ports[0]: 70000 is not a port (1-65535)" },
        { "an unknown action", Policies(new AuthorizationPolicy { Name = "ns/p", Action = (AuthorizationPolicy.Types.Action)7 }), "inbound.authorization[0].action: unknown action 7" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_policy_is_rejected_at_its_field(string what, InboundConfig inbound, string message)
    {
        var error = Assert.Throws<InvalidProxyConfigException>(() => AuthorizationCompiler.Compile(inbound));

        Assert.True(error.Message == message, $"{what}: {error.Message}");
    }

    [Fact]
    public void A_config_without_inbound_policies_allows_everything()
    {
        Assert.Same(AuthorizationEngine.AllowAll, AuthorizationCompiler.Compile(null));
        Assert.Same(AuthorizationEngine.AllowAll, AuthorizationCompiler.Compile(new InboundConfig()));
    }
}
