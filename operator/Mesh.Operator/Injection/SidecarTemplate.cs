using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Operator.Injection;

/// <summary>
/// Renders the containers and volume that <see cref="InjectionOptions"/> describe for one pod. Built once per
/// options value; <see cref="Version"/> is a hash of the options, so <c>mesh.io/status</c> tells which template a
/// pod got.
/// </summary>
internal sealed class SidecarTemplate
{
    public const string ProxyName = "mesh-proxy";
    public const string InitName = "mesh-init";
    public const string TmpVolumeName = "mesh-proxy-tmp";

    private readonly InjectionOptions _options;

    public SidecarTemplate(InjectionOptions options)
    {
        _options = options;
        var json = JsonSerializer.SerializeToUtf8Bytes(options, InjectionTemplateJsonContext.Default.InjectionOptions);
        Version = Convert.ToHexStringLower(SHA256.HashData(json).AsSpan(0, 6));
    }

    public string Version { get; }

    public bool NativeSidecar => _options.NativeSidecars;

    public JsonObject Proxy(JsonObject pod, ProxyOverrides overrides)
    {
        var proxy = new JsonObject
        {
            ["name"] = ProxyName,
            ["image"] = _options.ProxyImage,
            ["imagePullPolicy"] = _options.ImagePullPolicy,
        };
        if (_options.NativeSidecars)
        {
            proxy["restartPolicy"] = "Always";
        }

        proxy["env"] = ProxyEnv(pod, overrides);
        proxy["ports"] = new JsonArray(
            Port("mesh-outbound", _options.OutboundPort),
            Port("mesh-inbound", _options.InboundPort),
            Port("mesh-admin", _options.AdminPort));
        proxy["readinessProbe"] = ReadyProbe(periodSeconds: 2, failureThreshold: 3);
        if (_options.NativeSidecars)
        {
            // The kubelet starts the next init container, and so the app, only once this probe passes.
            proxy["startupProbe"] = ReadyProbe(periodSeconds: 1, failureThreshold: 120);
        }

        proxy["resources"] = Resources(overrides);
        proxy["securityContext"] = new JsonObject
        {
            ["runAsUser"] = _options.ProxyUid,
            ["runAsGroup"] = _options.ProxyUid,
            ["runAsNonRoot"] = true,
            ["readOnlyRootFilesystem"] = true,
            ["allowPrivilegeEscalation"] = false,
            ["capabilities"] = new JsonObject { ["drop"] = new JsonArray("ALL") },
        };

        // The root filesystem is read-only; .NET still wants a writable temp folder.
        proxy["volumeMounts"] = new JsonArray(new JsonObject { ["name"] = TmpVolumeName, ["mountPath"] = "/tmp" });
        return proxy;
    }

    public JsonObject Init(ProxyOverrides overrides)
    {
        var args = new JsonArray(
            "init-iptables",
            "--proxy-uid", Text(_options.ProxyUid),
            "--outbound-port", Text(_options.OutboundPort),
            "--inbound-port", Text(_options.InboundPort),
            // Kubelet probes reach the admin port directly; capturing them would send them to the app.
            "--exclude-inbound-ports", overrides.ExcludeInboundPorts is null ? Text(_options.AdminPort) : Text(_options.AdminPort) + "," + overrides.ExcludeInboundPorts);
        if (overrides.ExcludeOutboundPorts is not null)
        {
            args.Add("--exclude-outbound-ports");
            args.Add(overrides.ExcludeOutboundPorts);
        }

        if (overrides.ExcludeOutboundIpRanges is not null)
        {
            args.Add("--exclude-outbound-ip-ranges");
            args.Add(overrides.ExcludeOutboundIpRanges);
        }

        return new JsonObject
        {
            ["name"] = InitName,
            ["image"] = _options.ProxyImage,
            ["imagePullPolicy"] = _options.ImagePullPolicy,
            ["command"] = new JsonArray("mesh-proxy"),
            ["args"] = args,
            ["resources"] = Resources(overrides),
            ["securityContext"] = new JsonObject
            {
                ["runAsUser"] = 0,
                ["runAsNonRoot"] = false,
                ["privileged"] = false,
                ["allowPrivilegeEscalation"] = false,
                ["capabilities"] = new JsonObject
                {
                    ["add"] = new JsonArray("NET_ADMIN", "NET_RAW"),
                    ["drop"] = new JsonArray("ALL"),
                },
            },
        };
    }

    public static JsonObject TmpVolume() => new() { ["name"] = TmpVolumeName, ["emptyDir"] = new JsonObject() };

    public string Status() => new JsonObject
    {
        ["version"] = Version,
        ["initContainers"] = _options.NativeSidecars ? new JsonArray(InitName, ProxyName) : new JsonArray(InitName),
        ["containers"] = _options.NativeSidecars ? new JsonArray() : new JsonArray(ProxyName),
        ["volumes"] = new JsonArray(TmpVolumeName),
    }.ToJsonString();

    private JsonArray ProxyEnv(JsonObject pod, ProxyOverrides overrides)
    {
        var env = new JsonArray(
            FieldEnv("POD_NAME", "metadata.name"),
            FieldEnv("POD_NAMESPACE", "metadata.namespace"),
            Env("MESH_DISCOVERY_ADDRESS", _options.DiscoveryAddress),
            Env("MESH_NODE_ID", "$(POD_NAMESPACE)/$(POD_NAME)"),
            Env("MESH_NAMESPACE", "$(POD_NAMESPACE)"),
            FieldEnv("MESH_SERVICE_ACCOUNT", "spec.serviceAccountName"),

            // The pod's own address: the operator would otherwise see the connection's peer, which NAT can change.
            FieldEnv("MESH_IP", "status.podIP"),
            Env("MESH_LABELS", Labels(pod)),
            Env("MESH_OUTBOUND_PORT", Text(_options.OutboundPort)),
            Env("MESH_INBOUND_PORT", Text(_options.InboundPort)),
            Env("MESH_ADMIN_PORT", Text(_options.AdminPort)),

            // iptables REDIRECT in PREROUTING rewrites inbound traffic to the pod IP (the incoming interface's address),
            // not 127.0.0.1, and kubelet probes the admin port on the pod IP: the listeners must bind every address.
            Env("MESH_BIND_ADDRESS", "0.0.0.0"));
        if (AppPort(pod) is { } appPort)
        {
            env.Add(Env("MESH_APP_PORT", Text(appPort)));
        }

        if (overrides.LogLevel is not null)
        {
            env.Add(Env("MESH_LOG_LEVEL", overrides.LogLevel));
        }

        var tracing = _options.Tracing;
        AddIfSet(env, "MESH_OTLP_ENDPOINT", overrides.OtlpEndpoint ?? tracing.OtlpEndpoint);
        AddIfSet(env, "MESH_ZIPKIN_ENDPOINT", overrides.ZipkinEndpoint ?? tracing.ZipkinEndpoint);
        AddIfSet(env, "MESH_TRACE_PROPAGATION", overrides.TracePropagation ?? tracing.Propagation);
        AddIfSet(env, "MESH_TRAFFIC_REPORT_INTERVAL", _options.TrafficReportInterval);
        return env;
    }

    // Unset (or emptied by an annotation) leaves the variable out, so the proxy applies its own default.
    private static void AddIfSet(JsonArray env, string name, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            env.Add(Env(name, value.Trim()));
        }
    }

    // Label keys and values cannot hold ',' or '=', so the flat form is unambiguous; ordinal order keeps it stable.
    private static string Labels(JsonObject pod)
    {
        if (pod["metadata"]?["labels"] is not JsonObject labels)
        {
            return "";
        }

        return string.Join(',', labels
            .Select(l => (l.Key, Value: l.Value is JsonValue v && v.TryGetValue(out string? s) ? s : ""))
            .OrderBy(l => l.Key, StringComparer.Ordinal)
            .Select(l => l.Key + "=" + l.Value));
    }

    private static long? AppPort(JsonObject pod)
        => pod["spec"]?["containers"] is JsonArray { Count: > 0 } containers
            && containers[0]?["ports"] is JsonArray { Count: > 0 } ports
            && ports[0]?["containerPort"] is JsonValue port && port.TryGetValue(out long number)
            ? number
            : null;

    private JsonObject Resources(ProxyOverrides overrides)
    {
        var r = _options.Resources;
        return new JsonObject
        {
            ["requests"] = new JsonObject { ["cpu"] = overrides.Cpu ?? r.CpuRequest, ["memory"] = overrides.Memory ?? r.MemoryRequest },
            ["limits"] = new JsonObject { ["cpu"] = overrides.CpuLimit ?? r.CpuLimit, ["memory"] = overrides.MemoryLimit ?? r.MemoryLimit },
        };
    }

    private JsonObject ReadyProbe(int periodSeconds, int failureThreshold) => new()
    {
        ["httpGet"] = new JsonObject { ["path"] = "/ready", ["port"] = _options.AdminPort },
        ["periodSeconds"] = periodSeconds,
        ["failureThreshold"] = failureThreshold,
    };

    private static JsonObject Port(string name, int port) => new() { ["name"] = name, ["containerPort"] = port, ["protocol"] = "TCP" };

    private static JsonObject Env(string name, string value) => new() { ["name"] = name, ["value"] = value };

    private static JsonObject FieldEnv(string name, string fieldPath) => new()
    {
        ["name"] = name,
        ["valueFrom"] = new JsonObject { ["fieldRef"] = new JsonObject { ["fieldPath"] = fieldPath } },
    };

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
