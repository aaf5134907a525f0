using Mesh.Api.V1;
using Mesh.Proxy.Config;

namespace Mesh.Proxy.Authorization;

/// <summary>
/// Validates the authorization part of an <see cref="InboundConfig"/> and compiles it into an
/// <see cref="AuthorizationEngine"/>. What Istio's validation rejects (an empty <c>from</c>/<c>to</c> entry, an
/// empty value, a port out of range) is rejected here too rather than guessed at, so a config the operator should
/// not have produced is NACKed instead of silently allowing or denying more than it says.
/// </summary>
internal static class AuthorizationCompiler
{
    /// <exception cref="InvalidProxyConfigException">A policy cannot be enforced as written.</exception>
    public static AuthorizationEngine Compile(InboundConfig? inbound)
    {
        if (inbound is null || inbound.Authorization.Count == 0)
        {
            return AuthorizationEngine.AllowAll;
        }

        var deny = new List<PolicyMatcher>();
        var allow = new List<PolicyMatcher>();
        for (var p = 0; p < inbound.Authorization.Count; p++)
        {
            var policy = inbound.Authorization[p];
            var path = $"inbound.authorization[{p}]";
            Validate(policy, path);
            var target = policy.Action switch
            {
                AuthorizationPolicy.Types.Action.Allow => allow,
                AuthorizationPolicy.Types.Action.Deny => deny,
                _ => throw new InvalidProxyConfigException(path + ".action", $"unknown action {(int)policy.Action}"),
            };
            target.Add(new PolicyMatcher(policy));
        }

        return new AuthorizationEngine([.. deny], [.. allow]);
    }

    private static void Validate(AuthorizationPolicy policy, string path)
    {
        for (var r = 0; r < policy.Rules.Count; r++)
        {
            var rule = policy.Rules[r];
            for (var f = 0; f < rule.From.Count; f++)
            {
                var source = rule.From[f];
                var at = $"{path}.rules[{r}].from[{f}]";
                if (source.Principals.Count + source.NotPrincipals.Count + source.Namespaces.Count + source.NotNamespaces.Count == 0)
                {
                    throw new InvalidProxyConfigException(at, "a source must set at least one field");
                }

                CheckValues(source.Principals, at + ".principals");
                CheckValues(source.NotPrincipals, at + ".not_principals");
                CheckValues(source.Namespaces, at + ".namespaces");
                CheckValues(source.NotNamespaces, at + ".not_namespaces");
            }

            for (var t = 0; t < rule.To.Count; t++)
            {
                var operation = rule.To[t];
                var at = $"{path}.rules[{r}].to[{t}]";
                if (operation.Paths.Count + operation.NotPaths.Count + operation.Methods.Count + operation.NotMethods.Count + operation.Ports.Count == 0)
                {
                    throw new InvalidProxyConfigException(at, "an operation must set at least one field");
                }

                CheckValues(operation.Paths, at + ".paths");
                CheckValues(operation.NotPaths, at + ".not_paths");
                CheckValues(operation.Methods, at + ".methods");
                CheckValues(operation.NotMethods, at + ".not_methods");
                for (var i = 0; i < operation.Ports.Count; i++)
                {
                    if (operation.Ports[i] is 0 or > 65535)
                    {
                        throw new InvalidProxyConfigException($"{at}.ports[{i}]", $"{operation.Ports[i]} is not a port (1-65535)");
                    }
                }
            }
        }
    }

    private static void CheckValues(IReadOnlyList<string> values, string path)
    {
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i].Length == 0)
            {
                throw new InvalidProxyConfigException($"{path}[{i}]", "must not be empty");
            }
        }
    }
}
