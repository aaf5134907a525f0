using Mesh.Api.V1;
using Mesh.Operator.Resources;
using Mesh.Operator.Validation;
using Route = Mesh.Api.V1.Route;

namespace Mesh.Operator.Compiler;

/// <summary>
/// Compiles the rules of a (validated) VirtualService into routes, with Istio's defaults: relative weights (a lone
/// destination gets 100), no timeout, 2 retries on connect-failure,refused-stream,unavailable,cancelled when
/// <c>retries</c> is absent, and neither timeout nor retries on a rule with an active fault.
/// </summary>
internal sealed class RouteBuilder(ServiceRegistry registry, SelectorTable selectors)
{
    public const string DefaultRouteName = "default";

    public const uint DefaultRetryAttempts = 2;

    public static readonly string[] DefaultRetryOn = ["connect-failure", "refused-stream", "unavailable", "cancelled"];

    /// <summary>Hosts outside the mesh that routes send to, with the port used.</summary>
    public SortedSet<(string Host, int Port)> ExternalDestinations { get; } = [];

    public static IReadOnlyList<RouteTemplate> DefaultRoutes(MeshService service)
    {
        var routes = new List<RouteTemplate>();
        foreach (var port in service.Ports)
        {
            var route = new Route
            {
                Name = DefaultRouteName,
                Forward = new RouteForward(),
                Retries = DefaultRetries(),
            };
            route.Forward.Destinations.Add(new WeightedDestination
            {
                Cluster = HostNames.ClusterName(port.Port, null, service.Fqdn),
                Weight = 100,
            });
            if (service.Ports.Count > 1)
            {
                route.Matches.Add(new RouteMatch { Port = (uint)port.Port });
            }

            routes.Add(new RouteTemplate(route, route.Matches.Select(_ => -1).ToList()));
        }

        return routes;
    }

    /// <summary>False for a rule whose every match block is bound to gateways only (<c>match.gateways</c> without mesh).</summary>
    public static bool AppliesToSidecars(HttpRoute rule) =>
        rule.Match is not { Count: > 0 } matches || matches.Exists(AppliesToSidecars);

    public RouteTemplate Build(HttpRoute rule, int index, string ns)
    {
        var route = new Route { Name = string.IsNullOrEmpty(rule.Name) ? $"http[{index}]" : rule.Name };
        var blockSelectors = new List<int>();
        foreach (var match in (rule.Match ?? []).Where(AppliesToSidecars))
        {
            route.Matches.Add(Match(match));
            blockSelectors.Add(match.SourceLabels is { Count: > 0 } labels ? selectors.IdOf(labels) : -1);
        }

        if (rule.Redirect is { } redirect)
        {
            route.Redirect = new Redirect
            {
                Uri = redirect.Uri ?? "",
                Authority = redirect.Authority ?? "",
                RedirectCode = (uint)(redirect.RedirectCode is > 0 and var code ? code : 301),
                Scheme = redirect.Scheme ?? "",
                Port = (uint)(redirect.Port ?? 0),
                PrefixRewrite = redirect.PrefixRewrite ?? "",
            };
        }
        else if (rule.DirectResponse is { } direct)
        {
            route.DirectResponse = DirectResponse(direct);
        }
        else
        {
            route.Forward = new RouteForward();
            foreach (var destination in rule.Route ?? [])
            {
                var weight = rule.Route!.Count == 1 ? 100 : destination.Weight ?? 0;
                if (weight > 0)
                {
                    route.Forward.Destinations.Add(new WeightedDestination
                    {
                        Cluster = ClusterOf(destination.Destination!, ns),
                        Weight = (uint)weight,
                        Headers = Headers(destination.Headers),
                    });
                }
            }
        }

        if (rule.Rewrite is { } rewrite)
        {
            route.Rewrite = new Rewrite
            {
                Uri = rewrite.Uri ?? "",
                Authority = rewrite.Authority ?? "",
                UriRegex = rewrite.UriRegexRewrite is { } regex ? new Api.V1.RegexRewrite { Match = regex.Match ?? "", Rewrite = regex.Rewrite ?? "" } : null,
            };
        }

        var fault = Fault(rule.Fault);
        if (fault is not null)
        {
            route.Fault = fault;
        }
        else if (route.ActionCase == Route.ActionOneofCase.Forward)
        {
            route.Timeout = rule.Timeout is null ? null : Durations.Parse(rule.Timeout);
            route.Retries = rule.Retries is null ? DefaultRetries() : Retries(rule.Retries);
        }

        if (rule.Mirror is { } mirror)
        {
            route.Mirror = new Mirror { Cluster = ClusterOf(mirror, ns), Percentage = rule.MirrorPercentage?.Value ?? rule.MirrorPercent ?? 100 };
        }

        foreach (var copy in rule.Mirrors ?? [])
        {
            route.Mirrors.Add(new Mirror { Cluster = ClusterOf(copy.Destination!, ns), Percentage = copy.Percentage?.Value ?? 100 });
        }

        route.Headers = Headers(rule.Headers);
        route.Cors = Cors(rule.CorsPolicy);
        return new RouteTemplate(route, blockSelectors);
    }

    /// <summary>
    /// The cluster a destination names. Without a port: <paramref name="sourcePort"/> when the service has it (an L4
    /// route keeps the port it was reached on), else the service's first port (80 outside the mesh).
    /// </summary>
    public string ClusterOf(Destination destination, string ns, int? sourcePort = null)
    {
        var (host, service) = registry.Resolve(destination.Host!, ns);
        if (service is null)
        {
            var port = destination.Port?.Number ?? sourcePort ?? 80;
            ExternalDestinations.Add((host, port));
            return HostNames.ClusterName(port, null, host);
        }

        var number = destination.Port?.Number
            ?? (sourcePort is { } source && service.FindPort(source) is not null ? source : service.Ports[0].Port);
        return HostNames.ClusterName(number, destination.Subset, host);
    }

    private static bool AppliesToSidecars(HttpMatchRequest? match) =>
        match?.Gateways is not { Count: > 0 } gateways || gateways.Contains(VirtualServiceSpec.MeshGateway);

    private static RouteMatch Match(HttpMatchRequest match)
    {
        var result = new RouteMatch
        {
            Name = match.Name ?? "",
            Uri = StringMatch(match.Uri),
            Authority = StringMatch(match.Authority),
            Method = StringMatch(match.Method),
            Scheme = StringMatch(match.Scheme),
            Port = (uint)(match.Port ?? 0),
            IgnoreUriCase = match.IgnoreUriCase ?? false,
        };
        var headers = (match.Headers ?? []).Select(h => (h.Key, Value: (StringMatchSpec?)h.Value, Invert: false))
            .Concat((match.WithoutHeaders ?? []).Select(h => (h.Key, Value: h.Value?.Regex == "*" ? null : h.Value, Invert: true)))
            .OrderBy(h => h.Key.ToLowerInvariant(), StringComparer.Ordinal).ThenBy(h => h.Invert);
        foreach (var (name, value, invert) in headers)
        {
            result.Headers.Add(new HeaderMatch { Name = name.ToLowerInvariant(), Match = StringMatch(value), Invert = invert });
        }

        foreach (var (name, value) in (match.QueryParams ?? []).OrderBy(q => q.Key, StringComparer.Ordinal))
        {
            result.QueryParams.Add(new QueryParamMatch { Name = name, Match = StringMatch(value) });
        }

        return result;
    }

    private static StringMatch? StringMatch(StringMatchSpec? spec) => spec switch
    {
        { Exact: { } exact } => new StringMatch { Exact = exact },
        { Prefix: { } prefix } => new StringMatch { Prefix = prefix },
        { Regex: { } regex } => new StringMatch { Regex = regex },
        _ => null,
    };

    private static RetryPolicy DefaultRetries()
    {
        var retries = new RetryPolicy { Attempts = DefaultRetryAttempts };
        retries.RetryOn.AddRange(DefaultRetryOn);
        return retries;
    }

    // Status codes in retryOn become retriable_status_codes plus the retriable-status-codes condition, as Istio does.
    private static RetryPolicy Retries(HttpRetry spec)
    {
        var retries = new RetryPolicy
        {
            Attempts = (uint)(spec.Attempts ?? (int)DefaultRetryAttempts),
            PerTryTimeout = spec.PerTryTimeout is null ? null : Durations.Parse(spec.PerTryTimeout),
            RetryRemoteLocalities = spec.RetryRemoteLocalities == true,
            Backoff = spec.Backoff is null ? null : Durations.Parse(spec.Backoff),
        };
        var conditions = spec.RetryOn is null ? DefaultRetryOn : RetryPolicyValidator.SplitRetryOn(spec.RetryOn);
        foreach (var condition in conditions)
        {
            if (uint.TryParse(condition, out var status))
            {
                retries.RetriableStatusCodes.Add(status);
            }
            else if (!retries.RetryOn.Contains(condition))
            {
                retries.RetryOn.Add(condition);
            }
        }

        if (retries.RetriableStatusCodes.Count > 0 && !retries.RetryOn.Contains("retriable-status-codes"))
        {
            retries.RetryOn.Add("retriable-status-codes");
        }

        return retries;
    }

    // A fault part without a percentage (or with 0) injects nothing and so does not count as active.
    private static FaultInjection? Fault(HttpFaultInjection? spec)
    {
        var fault = new FaultInjection();
        if (spec?.Delay is { Percentage.Value: > 0, FixedDelay: not null } delay)
        {
            fault.Delay = new FaultInjection.Types.Delay { FixedDelay = Durations.Parse(delay.FixedDelay!), Percentage = delay.Percentage.Value.Value };
        }

        if (spec?.Abort is { Percentage.Value: > 0, HttpStatus: not null } abort)
        {
            fault.Abort = new FaultInjection.Types.Abort { HttpStatus = (uint)abort.HttpStatus!.Value, Percentage = abort.Percentage.Value.Value };
        }
        else if (spec?.Abort is { Percentage.Value: > 0, GrpcStatus: { } name } grpcAbort && FaultValidator.GrpcStatusCode(name) is { } code)
        {
            fault.Abort = new FaultInjection.Types.Abort { GrpcStatus = (uint)code, Percentage = grpcAbort.Percentage.Value.Value };
        }

        return fault.Delay is null && fault.Abort is null ? null : fault;
    }

    // A string body is sent as text/plain (as Envoy's local replies are); bytes go without a content type.
    private static DirectResponse DirectResponse(HttpDirectResponse spec) => new()
    {
        Status = (uint)spec.Status!.Value,
        Body = spec.Body?.Bytes is { } bytes
            ? Google.Protobuf.ByteString.FromBase64(bytes)
            : Google.Protobuf.ByteString.CopyFromUtf8(spec.Body?.String ?? ""),
        ContentType = spec.Body?.String is not null ? "text/plain" : "",
    };

    private static HeaderOperations? Headers(HeaderOperationsSpec? spec) =>
        spec is null ? null : new HeaderOperations { Request = Mutation(spec.Request), Response = Mutation(spec.Response) };

    private static HeaderMutation? Mutation(HeaderMutationSpec? spec)
    {
        if (spec is null)
        {
            return null;
        }

        var mutation = new HeaderMutation();
        mutation.Set.AddRange((spec.Set ?? []).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new HeaderValue { Name = p.Key, Value = p.Value }));
        mutation.Add.AddRange((spec.Add ?? []).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new HeaderValue { Name = p.Key, Value = p.Value }));
        mutation.Remove.AddRange(spec.Remove ?? []);
        return mutation;
    }

    private static CorsPolicy? Cors(CorsPolicySpec? spec)
    {
        if (spec is null)
        {
            return null;
        }

        var cors = new CorsPolicy
        {
            MaxAge = spec.MaxAge is null ? null : Durations.Parse(spec.MaxAge),
            AllowCredentials = spec.AllowCredentials ?? false,
        };
        cors.AllowOrigins.AddRange((spec.AllowOrigins ?? []).Select(StringMatch).OfType<StringMatch>());
        cors.AllowMethods.AddRange(spec.AllowMethods ?? []);
        cors.AllowHeaders.AddRange(spec.AllowHeaders ?? []);
        cors.ExposeHeaders.AddRange(spec.ExposeHeaders ?? []);
        return cors;
    }
}
