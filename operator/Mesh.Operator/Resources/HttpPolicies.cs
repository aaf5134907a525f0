namespace Mesh.Operator.Resources;

public sealed class HttpRedirect
{
    public string? Uri { get; set; }

    public string? Authority { get; set; }

    public int? Port { get; set; }

    public string? Scheme { get; set; }

    public int? RedirectCode { get; set; }

    /// <summary>Replaces the matched uri prefix of the path (the whole path's leading <c>/</c> when the block has no uri match); not with <see cref="Uri"/>.</summary>
    public string? PrefixRewrite { get; set; }
}

public sealed class HttpRewrite
{
    public string? Uri { get; set; }

    public string? Authority { get; set; }

    /// <summary>Replaces every match of an RE2 pattern in the path; not with <see cref="Uri"/>.</summary>
    public RegexRewrite? UriRegexRewrite { get; set; }
}

public sealed class RegexRewrite
{
    public string? Match { get; set; }

    /// <summary>The replacement; <c>\1</c> names the first group.</summary>
    public string? Rewrite { get; set; }
}

public sealed class HttpRetry
{
    public int? Attempts { get; set; }

    public string? PerTryTimeout { get; set; }

    /// <summary>Comma-separated retry conditions (Envoy's names) and status codes.</summary>
    public string? RetryOn { get; set; }

    /// <summary>Istio's retryRemoteLocalities: true lets a retry leave the locality priorities already tried (default false).</summary>
    public bool? RetryRemoteLocalities { get; set; }

    /// <summary>The least wait before a retry (Istio's minimum duration between tries); it doubles per retry, with jitter, up to 10 times this.</summary>
    public string? Backoff { get; set; }
}

public sealed class HttpFaultInjection
{
    public FaultDelay? Delay { get; set; }

    public FaultAbort? Abort { get; set; }
}

public sealed class FaultDelay
{
    public string? FixedDelay { get; set; }

    /// <summary>Read only to be refused, as Istio refuses it ("not supported yet").</summary>
    public string? ExponentialDelay { get; set; }

    /// <summary>Absent injects nothing.</summary>
    public Percent? Percentage { get; set; }
}

public sealed class FaultAbort
{
    public int? HttpStatus { get; set; }

    /// <summary>A gRPC status name (e.g. UNAVAILABLE): a trailers-only gRPC answer (HTTP 200) instead of <see cref="HttpStatus"/>.</summary>
    public string? GrpcStatus { get; set; }

    /// <summary>Read only to be refused, as Istio refuses it ("not supported yet").</summary>
    public string? Http2Error { get; set; }

    /// <summary>Absent injects nothing.</summary>
    public Percent? Percentage { get; set; }
}

public sealed class HeaderOperationsSpec
{
    public HeaderMutationSpec? Request { get; set; }

    public HeaderMutationSpec? Response { get; set; }
}

public sealed class HeaderMutationSpec
{
    public Dictionary<string, string>? Set { get; set; }

    public Dictionary<string, string>? Add { get; set; }

    public List<string>? Remove { get; set; }
}

public sealed class CorsPolicySpec
{
    public List<StringMatchSpec>? AllowOrigins { get; set; }

    public List<string>? AllowMethods { get; set; }

    public List<string>? AllowHeaders { get; set; }

    public List<string>? ExposeHeaders { get; set; }

    public string? MaxAge { get; set; }

    public bool? AllowCredentials { get; set; }
}
