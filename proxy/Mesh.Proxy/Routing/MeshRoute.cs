using Mesh.Proxy.Forwarding;
using Mesh.Proxy.Resilience;
using Mesh.Proxy.Telemetry;

namespace Mesh.Proxy.Routing;

/// <summary>A compiled route: its match blocks (OR) and what to do with a request that matches.</summary>
internal sealed class MeshRoute
{
    public required string Name { get; init; }

    /// <summary>Empty: matches every request.</summary>
    public required RouteMatchBlock[] Blocks { get; init; }

    /// <summary>Exactly one of <see cref="Destinations"/>, <see cref="Redirect"/> and <see cref="DirectResponse"/> is set.</summary>
    public required WeightedDestinations? Destinations { get; init; }
    public required RedirectAction? Redirect { get; init; }
    public DirectResponseAction? DirectResponse { get; init; }

    public required string? RewriteUri { get; init; }
    public RegexPathRewrite? RewriteRegex { get; init; }
    public required string? RewriteAuthority { get; init; }

    /// <summary>Null: no timeout.</summary>
    public required TimeSpan? Timeout { get; init; }
    public required RetryPolicy Retries { get; init; }
    public required FaultPolicy? Fault { get; init; }
    /// <summary>Every mirror of the route (Istio's mirror or mirrors), each with its own percentage.</summary>
    public required MirrorPolicy[] Mirrors { get; init; }
    public required HeaderOperations Headers { get; init; }
    public required CorsPolicy? Cors { get; init; }

    /// <summary>The metrics of a request this route answers without a destination (redirect, fault, CORS preflight).</summary>
    public required RequestSeries Metrics { get; init; }

    public bool Matches(in RequestFacts request, out RouteMatchBlock? matched)
    {
        matched = null;
        if (Blocks.Length == 0)
        {
            return true;
        }

        foreach (var block in Blocks)
        {
            if (block.Matches(request))
            {
                matched = block;
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The path sent upstream: a regex rewrite replaces its matches; a uri rewrite replaces a prefix match's prefix,
    /// or the whole path for any other match.
    /// </summary>
    public string RewritePath(string path, RouteMatchBlock? matched)
    {
        if (RewriteRegex is not null)
        {
            return RewriteRegex.Rewrite(path);
        }

        if (RewriteUri is null)
        {
            return path;
        }

        if (matched?.Uri is { Kind: StringMatchKind.Prefix } prefix && path.Length >= prefix.Value.Length)
        {
            var rewritten = string.Concat(RewriteUri, path.AsSpan(prefix.Value.Length));
            return rewritten.Length == 0 ? "/" : rewritten;
        }

        return RewriteUri;
    }
}
