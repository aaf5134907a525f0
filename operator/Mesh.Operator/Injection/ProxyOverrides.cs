using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;

namespace Mesh.Operator.Injection;

/// <summary>
/// A pod's override annotations, checked: a malformed value denies the pod with a message naming the annotation,
/// because silently injecting something other than what the user asked for is worse than refusing.
/// </summary>
internal sealed record ProxyOverrides(
    string? Cpu,
    string? Memory,
    string? CpuLimit,
    string? MemoryLimit,
    string? LogLevel,
    string? ExcludeInboundPorts,
    string? ExcludeOutboundPorts,
    string? ExcludeOutboundIpRanges,
    string? OtlpEndpoint,
    string? ZipkinEndpoint,
    string? TracePropagation)
{
    // The names mesh-proxy's --log-level accepts (Mesh.Proxy.Hosting.ProxyLogLevel): a name the proxy refuses would
    // give a pod whose sidecar never starts, so the webhook refuses it first.
    private static readonly string[] ProxyLogLevels =
        ["trace", "verbose", "debug", "info", "information", "warn", "warning", "error", "critical", "fatal", "off"];

    /// <summary>Reads the annotations; <paramref name="defaults"/> are the template's resources, which a request or limit not annotated keeps.</summary>
    public static ProxyOverrides Read(JsonObject? annotations, ProxyResources defaults, out string? error)
    {
        error = null;
        var cpu = Get(annotations, InjectionAnnotations.ProxyCpu);
        var memory = Get(annotations, InjectionAnnotations.ProxyMemory);
        var cpuLimit = Get(annotations, InjectionAnnotations.ProxyCpuLimit);
        var memoryLimit = Get(annotations, InjectionAnnotations.ProxyMemoryLimit);
        var logLevel = Get(annotations, InjectionAnnotations.ProxyLogLevel);
        var inbound = Get(annotations, InjectionAnnotations.ExcludeInboundPorts);
        var outbound = Get(annotations, InjectionAnnotations.ExcludeOutboundPorts);
        var ranges = Get(annotations, InjectionAnnotations.ExcludeOutboundIpRanges);

        // An empty tracing annotation is meaningful: the proxy's default for this pod (for an endpoint: no export),
        // whatever the template says.
        var otlp = Get(annotations, InjectionAnnotations.OtlpEndpoint);
        var zipkin = Get(annotations, InjectionAnnotations.ZipkinEndpoint);
        var propagation = Get(annotations, InjectionAnnotations.TracePropagation);

        if (cpu is not null && !Quantity.IsValid(cpu))
        {
            error = Invalid(InjectionAnnotations.ProxyCpu, cpu, "a Kubernetes quantity such as 200m or 1");
        }
        else if (memory is not null && !Quantity.IsValid(memory))
        {
            error = Invalid(InjectionAnnotations.ProxyMemory, memory, "a Kubernetes quantity such as 256Mi");
        }
        else if (cpuLimit is not null && !Quantity.IsValid(cpuLimit))
        {
            error = Invalid(InjectionAnnotations.ProxyCpuLimit, cpuLimit, "a Kubernetes quantity such as 500m or 2");
        }
        else if (memoryLimit is not null && !Quantity.IsValid(memoryLimit))
        {
            error = Invalid(InjectionAnnotations.ProxyMemoryLimit, memoryLimit, "a Kubernetes quantity such as 1Gi");
        }
        else if (AboveLimit("CPU", cpu, cpuLimit, defaults.CpuRequest, defaults.CpuLimit, InjectionAnnotations.ProxyCpu, InjectionAnnotations.ProxyCpuLimit) is { } cpuProblem)
        {
            error = cpuProblem;
        }
        else if (AboveLimit("memory", memory, memoryLimit, defaults.MemoryRequest, defaults.MemoryLimit, InjectionAnnotations.ProxyMemory, InjectionAnnotations.ProxyMemoryLimit) is { } memoryProblem)
        {
            error = memoryProblem;
        }
        else if (logLevel is not null && !ProxyLogLevels.Contains(logLevel, StringComparer.OrdinalIgnoreCase))
        {
            error = Invalid(InjectionAnnotations.ProxyLogLevel, logLevel, "one of " + string.Join(", ", ProxyLogLevels));
        }
        else if (inbound is not null && !TryNormalize(inbound, IsPort, out inbound))
        {
            error = Invalid(InjectionAnnotations.ExcludeInboundPorts, Get(annotations, InjectionAnnotations.ExcludeInboundPorts)!, "comma-separated ports 1-65535");
        }
        else if (outbound is not null && !TryNormalize(outbound, IsPort, out outbound))
        {
            error = Invalid(InjectionAnnotations.ExcludeOutboundPorts, Get(annotations, InjectionAnnotations.ExcludeOutboundPorts)!, "comma-separated ports 1-65535");
        }
        else if (ranges is not null && !TryNormalize(ranges, IsCidr, out ranges))
        {
            error = Invalid(InjectionAnnotations.ExcludeOutboundIpRanges, Get(annotations, InjectionAnnotations.ExcludeOutboundIpRanges)!, "comma-separated CIDRs such as 10.0.0.0/8");
        }
        else if (otlp is { Length: > 0 } && !ProxyFlagValues.IsEndpoint(otlp))
        {
            error = Invalid(InjectionAnnotations.OtlpEndpoint, otlp, "empty or an absolute http(s) URI such as http://otel-collector:4318");
        }
        else if (zipkin is { Length: > 0 } && !ProxyFlagValues.IsEndpoint(zipkin))
        {
            error = Invalid(InjectionAnnotations.ZipkinEndpoint, zipkin, "empty or an absolute http(s) URI such as http://zipkin:9411/api/v2/spans");
        }
        else if (propagation is { Length: > 0 } && !ProxyFlagValues.IsPropagation(propagation))
        {
            error = Invalid(InjectionAnnotations.TracePropagation, propagation, "a comma-separated list of " + string.Join(", ", ProxyFlagValues.PropagationNames));
        }

        return new(cpu, memory, cpuLimit, memoryLimit, logLevel, inbound, outbound, ranges, otlp, zipkin, propagation);
    }

    private static string Invalid(string annotation, string value, string expected)
        => $"annotation {annotation}: \"{value}\" is not {expected}";

    // The API server refuses a pod whose request is above its limit; refusing here names the annotation to change.
    private static string? AboveLimit(string resource, string? request, string? limit, string defaultRequest, string defaultLimit, string requestAnnotation, string limitAnnotation)
    {
        if (request is null && limit is null)
        {
            return null;
        }

        var (effectiveRequest, effectiveLimit) = (request ?? defaultRequest, limit ?? defaultLimit);
        if (Quantity.Amount(effectiveRequest) <= Quantity.Amount(effectiveLimit))
        {
            return null;
        }

        return limit is null
            ? $"annotation {requestAnnotation}: \"{request}\" is above the proxy's {resource} limit {defaultLimit}; raise the limit with {limitAnnotation}"
            : $"annotation {limitAnnotation}: \"{limit}\" is below the proxy's {resource} request {effectiveRequest}";
    }

    private static string? Get(JsonObject? annotations, string key)
        => annotations?[key] is JsonValue value && value.TryGetValue(out string? text) ? text.Trim() : null;

    private static bool IsPort(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535;

    private static bool IsCidr(string text) => IPNetwork.TryParse(text, out _);

    // An empty annotation means "nothing excluded"; otherwise every item must parse, and the list is passed on
    // without blanks so the init container's argument parser sees exactly what was checked here.
    private static bool TryNormalize(string list, Func<string, bool> isValid, out string? normalized)
    {
        var items = list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        normalized = items.Length == 0 ? null : string.Join(',', items);
        return items.All(isValid);
    }
}
