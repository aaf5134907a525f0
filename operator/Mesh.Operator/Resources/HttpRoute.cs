namespace Mesh.Operator.Resources;

/// <summary>One rule of <c>spec.http</c>: conditions, then exactly one of route, redirect, directResponse or delegate, then policies.</summary>
public sealed class HttpRoute
{
    public string? Name { get; set; }

    /// <summary>Istio's delegate: this rule's routes come from another VirtualService, one without hosts.</summary>
    public HttpDelegate? Delegate { get; set; }

    public List<HttpMatchRequest>? Match { get; set; }

    public List<HttpRouteDestination>? Route { get; set; }

    public HttpRedirect? Redirect { get; set; }

    public HttpRewrite? Rewrite { get; set; }

    public string? Timeout { get; set; }

    public HttpRetry? Retries { get; set; }

    public HttpFaultInjection? Fault { get; set; }

    public Destination? Mirror { get; set; }

    public Percent? MirrorPercentage { get; set; }

    /// <summary>Istio's deprecated integer form of <see cref="MirrorPercentage"/>, used only when that is unset.</summary>
    public int? MirrorPercent { get; set; }

    /// <summary>Istio's mirrors: several copies, each with its own percentage (absent percentage: 100). Not with <see cref="Mirror"/>.</summary>
    public List<HttpMirrorPolicy>? Mirrors { get; set; }

    /// <summary>Istio's directResponse: the sidecar answers with this status and body instead of routing.</summary>
    public HttpDirectResponse? DirectResponse { get; set; }

    public HeaderOperationsSpec? Headers { get; set; }

    public CorsPolicySpec? CorsPolicy { get; set; }
}

/// <summary>Conditions of one match block; all present conditions must hold.</summary>
public sealed class HttpMatchRequest
{
    public string? Name { get; set; }

    public StringMatchSpec? Uri { get; set; }

    public StringMatchSpec? Authority { get; set; }

    public StringMatchSpec? Method { get; set; }

    /// <summary>The request's scheme (<c>http</c> or <c>https</c>).</summary>
    public StringMatchSpec? Scheme { get; set; }

    public Dictionary<string, StringMatchSpec>? Headers { get; set; }

    public Dictionary<string, StringMatchSpec>? WithoutHeaders { get; set; }

    public Dictionary<string, StringMatchSpec>? QueryParams { get; set; }

    public Dictionary<string, string>? SourceLabels { get; set; }

    public int? Port { get; set; }

    /// <summary>Istio's gateway binding of one match block: without <c>mesh</c> the block never applies to sidecars.</summary>
    public List<string>? Gateways { get; set; }

    public bool? IgnoreUriCase { get; set; }
}

/// <summary>Exactly one of exact, prefix or regex (RE2); for headers an empty match tests presence.</summary>
public sealed class StringMatchSpec
{
    public string? Exact { get; set; }

    public string? Prefix { get; set; }

    public string? Regex { get; set; }
}

public sealed class HttpRouteDestination : IWeightedDestination
{
    public Destination? Destination { get; set; }

    public int? Weight { get; set; }

    public HeaderOperationsSpec? Headers { get; set; }
}

public sealed class Destination
{
    public string? Host { get; set; }

    public string? Subset { get; set; }

    public PortSelector? Port { get; set; }
}

public sealed class PortSelector
{
    public int? Number { get; set; }
}

/// <summary>Istio's <c>Percent</c>: a value in 0..100.</summary>
public sealed class Percent
{
    public double? Value { get; set; }
}

public sealed class HttpMirrorPolicy
{
    public Destination? Destination { get; set; }

    public Percent? Percentage { get; set; }
}

public sealed class HttpDirectResponse
{
    public int? Status { get; set; }

    public HttpBody? Body { get; set; }
}

/// <summary>Exactly one of string and bytes.</summary>
public sealed class HttpBody
{
    public string? String { get; set; }

    /// <summary>Base64, as Kubernetes writes a <c>format: byte</c> field.</summary>
    public string? Bytes { get; set; }
}

/// <summary>The VirtualService a root rule delegates to; its namespace defaults to the root's.</summary>
public sealed class HttpDelegate
{
    public string? Name { get; set; }

    public string? Namespace { get; set; }
}
