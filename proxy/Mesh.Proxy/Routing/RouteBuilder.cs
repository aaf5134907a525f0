using Mesh.Proxy.Clusters;
using Mesh.Proxy.Config;
using Mesh.Proxy.Forwarding;
using Mesh.Proxy.Resilience;
using Mesh.Proxy.Telemetry;

namespace Mesh.Proxy.Routing;

/// <summary>Compiles one proto route: matchers (regexes compiled once), destinations resolved to clusters, policies.</summary>
internal static class RouteBuilder
{
    /// <param name="hostName">The virtual host's name, the destination service of a request answered without a cluster.</param>
    public static MeshRoute Build(Api.V1.Route proto, string path, IReadOnlyDictionary<string, ClusterRuntime> clusters, string hostName, RequestSeriesSet.Binder metrics)
    {
        var name = proto.Name.Length > 0 ? proto.Name : "default";
        var blocks = new RouteMatchBlock[proto.Matches.Count];
        for (var i = 0; i < blocks.Length; i++)
        {
            blocks[i] = BuildBlock(proto.Matches[i], $"{path}.matches[{i}]");
        }

        WeightedDestinations? destinations = null;
        RedirectAction? redirect = null;
        DirectResponseAction? direct = null;
        switch (proto.ActionCase)
        {
            case Api.V1.Route.ActionOneofCase.Forward:
                destinations = BuildDestinations(proto.Forward, path + ".forward", clusters, name, metrics);
                break;
            case Api.V1.Route.ActionOneofCase.Redirect:
                redirect = RedirectAction.Create(proto.Redirect, path + ".redirect");
                break;
            case Api.V1.Route.ActionOneofCase.DirectResponse:
                direct = DirectResponseAction.Create(proto.DirectResponse, path + ".direct_response");
                break;
            default:
                throw new InvalidProxyConfigException(path, "a route needs exactly one of forward, redirect or direct_response");
        }

        var mirrors = new List<MirrorPolicy>();
        if (proto.Mirror is { Cluster.Length: > 0 })
        {
            mirrors.Add(BuildMirror(proto.Mirror, path + ".mirror", clusters));
        }

        for (var i = 0; i < proto.Mirrors.Count; i++)
        {
            mirrors.Add(BuildMirror(proto.Mirrors[i], $"{path}.mirrors[{i}]", clusters));
        }

        var fault = FaultPolicy.Create(proto.Fault, path + ".fault");
        var timeout = proto.Timeout?.ToTimeSpan();
        if (timeout < TimeSpan.Zero)
        {
            throw new InvalidProxyConfigException(path + ".timeout", "must not be negative");
        }

        var retries = RetryPolicy.Create(proto.Retries, path + ".retries");
        return new MeshRoute
        {
            Name = name,
            Metrics = metrics.Outbound(hostName, string.Empty, name),
            Blocks = blocks,
            Destinations = destinations,
            Redirect = redirect,
            DirectResponse = direct,
            RewriteUri = proto.Rewrite is { Uri.Length: > 0 } ? proto.Rewrite.Uri : null,
            RewriteRegex = RegexPathRewrite.Create(proto.Rewrite?.UriRegex, path + ".rewrite.uri_regex"),
            RewriteAuthority = proto.Rewrite is { Authority.Length: > 0 } ? proto.Rewrite.Authority : null,

            // Istio: a rule with an active fault has no timeout and no retries.
            Timeout = fault is null && timeout > TimeSpan.Zero ? timeout : null,
            Retries = fault is null ? retries : RetryPolicy.Disabled,
            Fault = fault,
            Mirrors = [.. mirrors],
            Headers = HeaderOperations.From(proto.Headers),
            Cors = CorsPolicy.Create(proto.Cors, path + ".cors"),
        };
    }

    private static RouteMatchBlock BuildBlock(Api.V1.RouteMatch match, string path) => new()
    {
        Uri = StringMatcher.Create(match.Uri, path + ".uri", match.IgnoreUriCase),
        Authority = StringMatcher.Create(match.Authority, path + ".authority", ignoreCase: true),
        Method = StringMatcher.Create(match.Method, path + ".method"),
        Scheme = StringMatcher.Create(match.Scheme, path + ".scheme", ignoreCase: true),
        Headers = match.Headers.Select((h, i) => new HeaderMatcher(
            RequireName(h.Name, $"{path}.headers[{i}].name"),
            StringMatcher.Create(h.Match, $"{path}.headers[{i}].match"),
            h.Invert)).ToArray(),
        QueryParams = match.QueryParams.Select((q, i) => new QueryParamMatcher(
            RequireName(q.Name, $"{path}.query_params[{i}].name"),
            StringMatcher.Create(q.Match, $"{path}.query_params[{i}].match"))).ToArray(),
        Port = match.Port <= 65535 ? (int)match.Port : throw new InvalidProxyConfigException(path + ".port", $"{match.Port} is not a port"),
    };

    private static WeightedDestinations BuildDestinations(Api.V1.RouteForward forward, string path, IReadOnlyDictionary<string, ClusterRuntime> clusters, string route, RequestSeriesSet.Binder metrics)
    {
        if (forward.Destinations.Count == 0)
        {
            throw new InvalidProxyConfigException(path + ".destinations", "at least one destination is required");
        }

        var destinations = new List<WeightedDestination>();
        for (var i = 0; i < forward.Destinations.Count; i++)
        {
            var proto = forward.Destinations[i];
            var cluster = Resolve(clusters, proto.Cluster, $"{path}.destinations[{i}].cluster");

            // A lone destination takes all traffic whatever its weight; otherwise weights are relative and 0 gets none.
            var weight = forward.Destinations.Count == 1 ? 1u : proto.Weight;
            if (weight > 0)
            {
                destinations.Add(new WeightedDestination(cluster, weight, HeaderOperations.From(proto.Headers), metrics.Outbound(cluster.ServiceHost, cluster.Subset, route)));
            }
        }

        if (destinations.Count == 0)
        {
            throw new InvalidProxyConfigException(path + ".destinations", "the weights sum to 0");
        }

        return new WeightedDestinations([.. destinations]);
    }

    private static MirrorPolicy BuildMirror(Api.V1.Mirror proto, string path, IReadOnlyDictionary<string, ClusterRuntime> clusters) =>
        proto.Percentage is < 0 or > 100
            ? throw new InvalidProxyConfigException(path + ".percentage", $"{proto.Percentage} is not within 0..100")
            : new MirrorPolicy(Resolve(clusters, proto.Cluster, path + ".cluster"), proto.Percentage);

    private static ClusterRuntime Resolve(IReadOnlyDictionary<string, ClusterRuntime> clusters, string name, string path) =>
        clusters.TryGetValue(name, out var cluster) ? cluster : throw new InvalidProxyConfigException(path, $"unknown cluster '{name}'");

    private static string RequireName(string name, string path) =>
        name.Length > 0 ? name : throw new InvalidProxyConfigException(path, "must not be empty");
}
