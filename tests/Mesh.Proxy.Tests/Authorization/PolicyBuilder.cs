using Mesh.Api.V1;
using Action = Mesh.Api.V1.AuthorizationPolicy.Types.Action;

namespace Mesh.Proxy.Tests.Authorization;

/// <summary>Terse construction of compiled authorization policies, as the operator emits them.</summary>
internal static class PolicyBuilder
{
    public static AuthorizationPolicy Allow(string name, params AuthorizationRule[] rules) => Policy(name, Action.Allow, rules);

    public static AuthorizationPolicy Deny(string name, params AuthorizationRule[] rules) => Policy(name, Action.Deny, rules);

    /// <summary>A rule with the given sources and operations; with none it is the empty rule, which matches everything.</summary>
    public static AuthorizationRule Rule(AuthorizationSource[]? from = null, AuthorizationOperation[]? to = null)
    {
        var rule = new AuthorizationRule();
        rule.From.AddRange(from ?? []);
        rule.To.AddRange(to ?? []);
        return rule;
    }

    public static AuthorizationSource From(string[]? principals = null, string[]? namespaces = null, string[]? notPrincipals = null, string[]? notNamespaces = null)
    {
        var source = new AuthorizationSource();
        source.Principals.AddRange(principals ?? []);
        source.Namespaces.AddRange(namespaces ?? []);
        source.NotPrincipals.AddRange(notPrincipals ?? []);
        source.NotNamespaces.AddRange(notNamespaces ?? []);
        return source;
    }

    public static AuthorizationOperation To(string[]? paths = null, string[]? methods = null, uint[]? ports = null, string[]? notPaths = null, string[]? notMethods = null)
    {
        var operation = new AuthorizationOperation();
        operation.Paths.AddRange(paths ?? []);
        operation.Methods.AddRange(methods ?? []);
        operation.Ports.AddRange(ports ?? []);
        operation.NotPaths.AddRange(notPaths ?? []);
        operation.NotMethods.AddRange(notMethods ?? []);
        return operation;
    }

    public static InboundConfig Policies(params AuthorizationPolicy[] policies)
    {
        var inbound = new InboundConfig();
        inbound.Authorization.AddRange(policies);
        return inbound;
    }

    private static AuthorizationPolicy Policy(string name, Action action, AuthorizationRule[] rules)
    {
        var policy = new AuthorizationPolicy { Name = name, Action = action };
        policy.Rules.AddRange(rules);
        return policy;
    }
}
