using Mesh.Operator.Manifests;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>Checks a VirtualService: hosts, each rule's matches, destinations, weights and policies.</summary>
internal static class VirtualServiceValidator
{
    private static readonly string[] RetryConditions =
    [
        "5xx", "gateway-error", "reset", "connect-failure", "envoy-ratelimited", "retriable-4xx", "refused-stream",
        "retriable-status-codes", "retriable-headers", "cancelled", "deadline-exceeded", "internal",
        "resource-exhausted", "unavailable",
    ];

    private static readonly int[] RedirectCodes = [301, 302, 303, 307, 308];

    public static DiagnosticBag Validate(VirtualService vs, ValidationContext context)
    {
        var bag = new DiagnosticBag(ResourceRef.Of(vs));
        var ns = vs.Metadata.Namespace ?? "";
        var spec = vs.Spec;
        if (spec.Hosts is not { Count: > 0 })
        {
            bag.Error("spec.hosts", "at least one host is required");
        }
        else
        {
            for (var i = 0; i < spec.Hosts.Count; i++)
            {
                context.CheckHost(bag, $"spec.hosts[{i}]", spec.Hosts[i], ns, "its rules are ignored");
            }
        }

        if (spec.Gateways?.Any(g => g != "mesh") == true)
        {
            bag.Warning("spec.gateways", "gateways are not supported; the rules apply to sidecars only");
        }

        Dictionary<string, int>? names = null;
        for (var i = 0; i < (spec.Http?.Count ?? 0); i++)
        {
            var rule = spec.Http![i];
            var path = $"spec.http[{i}]";
            if (rule.Name is { Length: > 0 } name && !(names ??= new(StringComparer.Ordinal)).TryAdd(name, i))
            {
                bag.Error(path + ".name", $"duplicate rule name '{name}' (also spec.http[{names[name]}])");
            }

            ValidateRule(bag, rule, path, ns, context);
        }

        return bag;
    }

    private static void ValidateRule(DiagnosticBag bag, HttpRoute rule, string path, string ns, ValidationContext context)
    {
        for (var k = 0; k < (rule.Match?.Count ?? 0); k++)
        {
            ValidateMatch(bag, rule.Match![k], $"{path}.match[{k}]");
        }

        var hasRoute = rule.Route is { Count: > 0 };
        if (hasRoute == (rule.Redirect is not null))
        {
            bag.Error(path, hasRoute
                ? "a rule has exactly one of route or redirect; this one has both"
                : "a rule has exactly one of route or redirect; this one has neither");
        }

        if (hasRoute)
        {
            var sum = 0;
            for (var j = 0; j < rule.Route!.Count; j++)
            {
                var destination = rule.Route[j];
                var destPath = $"{path}.route[{j}]";
                if (destination.Weight is { } weight)
                {
                    ValidationContext.CheckRange(bag, new(destPath, ".weight"), weight, 0, 100);
                    sum += Math.Max(weight, 0);
                }

                ValidateDestination(bag, destination.Destination, destPath + ".destination", ns, context);
            }

            if (rule.Route.Count > 1 && sum == 0)
            {
                bag.Error(path + ".route", "the weights of the destinations are all zero (or missing): no destination would get traffic");
            }
        }

        if (rule.Redirect is { } redirect)
        {
            if (redirect.RedirectCode is { } code && !RedirectCodes.Contains(code))
            {
                bag.Error(path + ".redirect.redirectCode", $"{code} is not a redirect status (301, 302, 303, 307, 308)");
            }

            ValidationContext.CheckRange(bag, new(path, ".redirect.port"), redirect.Port, 0, 65535);
            ValidationContext.CheckEnum(bag, new(path, ".redirect.scheme"), redirect.Scheme, "http", "https");
        }

        ValidationContext.CheckDuration(bag, new(path, ".timeout"), rule.Timeout);
        if (rule.Retries is { } retries)
        {
            ValidationContext.CheckRange(bag, new(path, ".retries.attempts"), retries.Attempts, 0, int.MaxValue);
            ValidationContext.CheckDuration(bag, new(path, ".retries.perTryTimeout"), retries.PerTryTimeout);
            foreach (var condition in SplitRetryOn(retries.RetryOn))
            {
                if (!RetryConditions.Contains(condition) && !(int.TryParse(condition, out var status) && status is >= 100 and <= 599))
                {
                    bag.Error(path + ".retries.retryOn", $"unknown retry condition '{condition}'");
                }
            }
        }

        if (rule.Fault is { } fault)
        {
            ValidateFault(bag, fault, path + ".fault");
        }

        if (rule.Mirror is not null)
        {
            ValidateDestination(bag, rule.Mirror, path + ".mirror", ns, context);
        }

        ValidationContext.CheckRange(bag, new(path, ".mirrorPercentage.value"), rule.MirrorPercentage?.Value, 0, 100);
        if (rule.CorsPolicy is { } cors)
        {
            ValidationContext.CheckDuration(bag, new(path, ".corsPolicy.maxAge"), cors.MaxAge);
            for (var k = 0; k < (cors.AllowOrigins?.Count ?? 0); k++)
            {
                ValidateStringMatch(bag, cors.AllowOrigins![k], $"{path}.corsPolicy.allowOrigins[{k}]", allowEmpty: false);
            }
        }
    }

    private static void ValidateMatch(DiagnosticBag bag, HttpMatchRequest match, string path)
    {
        ValidateStringMatch(bag, match.Uri, new(path, ".uri"), allowEmpty: false);
        ValidateStringMatch(bag, match.Authority, new(path, ".authority"), allowEmpty: false);
        ValidateStringMatch(bag, match.Method, new(path, ".method"), allowEmpty: false);
        foreach (var (field, map) in new[] { ("headers", match.Headers), ("withoutHeaders", match.WithoutHeaders), ("queryParams", match.QueryParams) })
        {
            if (map is null)
            {
                continue;
            }

            foreach (var (key, value) in map)
            {
                var keyPath = FieldPath.Property(path + "." + field, key);
                if (key.Length == 0)
                {
                    bag.Error(keyPath, "name must not be empty");
                }

                ValidateStringMatch(bag, value, keyPath, allowEmpty: true);
            }
        }

        ValidationContext.CheckRange(bag, new(path, ".port"), match.Port, 1, 65535);
    }

    private static void ValidateStringMatch(DiagnosticBag bag, StringMatchSpec? match, DeferredPath path, bool allowEmpty)
    {
        if (match is null)
        {
            return;
        }

        var count = (match.Exact is null ? 0 : 1) + (match.Prefix is null ? 0 : 1) + (match.Regex is null ? 0 : 1);
        if (count > 1 || (count == 0 && !allowEmpty))
        {
            bag.Error(path.ToString(), "exactly one of exact, prefix or regex is required");
        }

        if (match.Regex is { } regex && Re2Regex.Check(regex) is { } problem)
        {
            bag.Error(path.ToString() + ".regex", problem);
        }
    }

    private static void ValidateDestination(DiagnosticBag bag, Destination? destination, string path, string ns, ValidationContext context)
    {
        if (destination is null)
        {
            bag.Error(path, "destination is required");
            return;
        }

        var resolved = context.CheckHost(bag, new(path, ".host"), destination.Host, ns, "traffic is sent to it directly");
        var port = destination.Port?.Number;
        ValidationContext.CheckRange(bag, new(path, ".port.number"), port, 1, 65535);
        if (resolved is not { Service: { } service } target)
        {
            if (resolved is not null && !string.IsNullOrEmpty(destination.Subset))
            {
                bag.UnresolvedRef(path + ".subset", $"unknown subset '{destination.Subset}': host {resolved.Value.Host} is outside the mesh");
            }

            return;
        }

        if (port is { } number && service.FindPort(number) is null)
        {
            bag.UnresolvedRef(path + ".port.number", $"service {target.Host} has no port {number}");
        }
        else if (port is null && service.Ports.Count > 1)
        {
            bag.Error(path + ".port", $"service {target.Host} has several ports; destination.port.number is required");
        }

        if (!string.IsNullOrEmpty(destination.Subset))
        {
            var rule = context.RuleFor(target.Host);
            if (rule?.Spec.Subsets?.Exists(s => s.Name == destination.Subset) != true)
            {
                var subsets = rule?.Spec.Subsets?.Select(s => s.Name).OfType<string>() ?? [];
                bag.UnresolvedRef(path + ".subset", rule is null
                    ? $"unknown subset '{destination.Subset}': no DestinationRule defines subsets for {target.Host}"
                    : $"unknown subset '{destination.Subset}' of {target.Host} (DestinationRule {rule.Metadata.Namespace}/{rule.Metadata.Name} defines: {string.Join(", ", subsets)})");
            }
        }
    }

    private static void ValidateFault(DiagnosticBag bag, HttpFaultInjection fault, string path)
    {
        if (fault.Delay is null && fault.Abort is null)
        {
            bag.Error(path, "a fault needs a delay or an abort");
        }

        if (fault.Delay is { } delay)
        {
            if (delay.FixedDelay is null)
            {
                bag.Error(path + ".delay.fixedDelay", "fixedDelay is required");
            }

            ValidationContext.CheckDuration(bag, new(path, ".delay.fixedDelay"), delay.FixedDelay);
            ValidationContext.CheckRange(bag, new(path, ".delay.percentage.value"), delay.Percentage?.Value, 0, 100);
        }

        if (fault.Abort is { } abort)
        {
            if (abort.HttpStatus is null)
            {
                bag.Error(path + ".abort.httpStatus", "httpStatus is required");
            }

            ValidationContext.CheckRange(bag, new(path, ".abort.httpStatus"), abort.HttpStatus, 200, 599);
            ValidationContext.CheckRange(bag, new(path, ".abort.percentage.value"), abort.Percentage?.Value, 0, 100);
        }
    }

    internal static IEnumerable<string> SplitRetryOn(string? retryOn) =>
        (retryOn ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
