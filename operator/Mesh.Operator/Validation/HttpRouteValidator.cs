using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>Checks one rule of <c>spec.http</c>: its matches, its action (route or redirect) and its policies.</summary>
internal static class HttpRouteValidator
{
    public static void Validate(DiagnosticBag bag, HttpRoute rule, string path, string ns)
    {
        for (var k = 0; k < (rule.Match?.Count ?? 0); k++)
        {
            HttpMatchValidator.Validate(bag, rule.Match![k], $"{path}.match[{k}]");
        }

        CheckAction(bag, rule, path);
        if (rule.Route is { Count: > 0 } route)
        {
            WeightedDestinationsValidator.Validate(bag, route, path, ns, (destination, destPath) => HeaderOperationsValidator.Validate(bag, destination.Headers, destPath + ".headers"));
        }

        if (rule.Redirect is { } redirect)
        {
            CheckRedirect(bag, redirect, rule.Match, path + ".redirect");
        }

        if (rule.Rewrite is { } rewrite)
        {
            RewriteValidator.Validate(bag, rewrite, path + ".rewrite");
        }

        if (rule.DirectResponse is { } direct)
        {
            DirectResponseValidator.Validate(bag, direct, path + ".directResponse");
        }

        HeaderOperationsValidator.Validate(bag, rule.Headers, path + ".headers");
        HeaderOperationsValidator.CheckAuthorityOnce(bag, rule.Rewrite?.Authority, rule.Headers, path);
        ValidationContext.CheckDuration(bag, new(path, ".timeout"), rule.Timeout);
        if (rule.Retries is { } retries)
        {
            RetryPolicyValidator.Validate(bag, retries, path + ".retries");
        }

        if (rule.Fault is { } fault)
        {
            FaultValidator.Validate(bag, fault, path + ".fault");
        }

        if (rule.Mirror is not null)
        {
            DestinationValidator.Validate(bag, rule.Mirror, path + ".mirror", ns);
        }

        ValidationContext.CheckRange(bag, new(path, ".mirrorPercentage.value"), rule.MirrorPercentage?.Value, 0, 100);
        if (rule.MirrorPercent is { } percent)
        {
            ValidationContext.CheckRange(bag, new(path, ".mirrorPercent"), percent, 0, 100);
            bag.Warning(path + ".mirrorPercent", rule.MirrorPercentage is null
                ? "mirrorPercent is deprecated; use mirrorPercentage"
                : "mirrorPercent is deprecated and ignored: mirrorPercentage is set");
        }

        CheckMirrors(bag, rule, path, ns);
        if (rule.CorsPolicy is { } cors)
        {
            CorsPolicyValidator.Validate(bag, cors, path + ".corsPolicy");
        }
    }

    private static void CheckAction(DiagnosticBag bag, HttpRoute rule, string path)
    {
        if (rule.Delegate is not null)
        {
            // DelegateRules reports a delegate set beside another action.
            return;
        }

        var hasRoute = rule.Route is { Count: > 0 };
        var actions = (hasRoute ? 1 : 0) + (rule.Redirect is null ? 0 : 1) + (rule.DirectResponse is null ? 0 : 1);
        if (actions != 1)
        {
            bag.Error(path, actions == 0
                ? "a rule has exactly one of route, redirect, directResponse or delegate; this one has none"
                : "a rule has exactly one of route, redirect or directResponse; this one has several");
        }

        var answered = rule.Redirect is not null ? "a redirect" : rule.DirectResponse is not null ? "a directResponse" : null;
        if (answered is not null && rule.Fault is not null)
        {
            bag.Error(path + ".fault", $"a rule with {answered} cannot have a fault");
        }

        if (answered is not null && rule.Rewrite is not null)
        {
            bag.Error(path + ".rewrite", $"a rule with {answered} cannot have a rewrite");
        }
    }

    // Istio: mirror and mirrors exclude each other; each of mirrors has its own percentage (absent: 100).
    private static void CheckMirrors(DiagnosticBag bag, HttpRoute rule, string path, string ns)
    {
        if (rule.Mirrors is not { } mirrors)
        {
            return;
        }

        if (rule.Mirror is not null)
        {
            bag.Error(path + ".mirrors", "mirror and mirrors cannot both be set");
        }

        if (rule.MirrorPercentage is not null)
        {
            bag.Error(path + ".mirrorPercentage", "mirrorPercentage applies to mirror; each of mirrors has its own percentage");
        }

        if (rule.MirrorPercent is not null)
        {
            bag.Error(path + ".mirrorPercent", "mirrorPercent applies to mirror; each of mirrors has its own percentage");
        }

        for (var i = 0; i < mirrors.Count; i++)
        {
            var mirrorPath = $"{path}.mirrors[{i}]";
            if (mirrors[i] is not { } mirror)
            {
                bag.Error(mirrorPath, "a mirror must not be null");
                continue;
            }

            DestinationValidator.Validate(bag, mirror.Destination, mirrorPath + ".destination", ns);
            ValidationContext.CheckRange(bag, new(mirrorPath, ".percentage.value"), mirror.Percentage?.Value, 0, 100);
        }
    }

    private static void CheckRedirect(DiagnosticBag bag, HttpRedirect redirect, List<HttpMatchRequest>? matches, string path)
    {
        var prefixRewrite = !string.IsNullOrEmpty(redirect.PrefixRewrite);
        if (!prefixRewrite && string.IsNullOrEmpty(redirect.Uri) && string.IsNullOrEmpty(redirect.Authority) && redirect.Port is null && string.IsNullOrEmpty(redirect.Scheme))
        {
            bag.Error(path, "a redirect must set uri, prefixRewrite, authority, scheme or port");
        }

        if (prefixRewrite && !string.IsNullOrEmpty(redirect.Uri))
        {
            bag.Error(path + ".prefixRewrite", "a redirect sets uri or prefixRewrite, not both");
        }

        // The matched prefix is what prefixRewrite replaces, so every uri match of the rule must be a prefix.
        for (var k = 0; prefixRewrite && k < (matches?.Count ?? 0); k++)
        {
            if (matches![k]?.Uri is { Prefix: null } uri && (uri.Exact is not null || uri.Regex is not null))
            {
                bag.Error($"{path}.prefixRewrite", $"prefixRewrite replaces the matched uri prefix, but match[{k}].uri is not a prefix match");
            }
        }

        // 0 means unset (301), as in Istio.
        if (redirect.RedirectCode is { } code and not 0 and not (>= 300 and <= 399))
        {
            bag.Error(path + ".redirectCode", $"{code} is not a redirect status (3xx)");
        }

        ValidationContext.CheckRange(bag, new(path, ".port"), redirect.Port, 0, 65535);
        ValidationContext.CheckEnum(bag, new(path, ".scheme"), string.IsNullOrEmpty(redirect.Scheme) ? null : redirect.Scheme, "http", "https");
    }
}
