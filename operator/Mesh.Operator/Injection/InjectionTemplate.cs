using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Mesh.Operator.Injection;

/// <summary>
/// Reads an <see cref="InjectionOptions"/> template from a JSON or YAML file (a mounted ConfigMap key). Properties
/// the file leaves out keep their defaults; an unknown property or a wrong type is an error naming the file and
/// the field, so a typo never silently falls back to a default.
/// </summary>
public static class InjectionTemplate
{
    /// <summary>Loads the template at <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is missing, unreadable, not JSON/YAML, or does not fit the template.</exception>
    public static InjectionOptions Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"injection template {path}: cannot read: {e.Message}", e);
        }

        return Parse(text, path);
    }

    /// <summary>Copies every property of the template at <paramref name="path"/> onto <paramref name="target"/>, for an options callback.</summary>
    public static void LoadInto(string path, InjectionOptions target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var loaded = Load(path);
        target.ProxyImage = loaded.ProxyImage;
        target.ImagePullPolicy = loaded.ImagePullPolicy;
        target.DiscoveryAddress = loaded.DiscoveryAddress;
        target.NativeSidecars = loaded.NativeSidecars;
        target.OutboundPort = loaded.OutboundPort;
        target.InboundPort = loaded.InboundPort;
        target.AdminPort = loaded.AdminPort;
        target.ProxyUid = loaded.ProxyUid;
        target.Resources = loaded.Resources;
        target.Tracing = loaded.Tracing;
        target.TrafficReportInterval = loaded.TrafficReportInterval;
        target.MaxReviewBytes = loaded.MaxReviewBytes;
    }

    internal static InjectionOptions Parse(string text, string source)
    {
        JsonNode? tree;
        try
        {
            tree = YamlToJson(text);
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"injection template {source}: not valid JSON or YAML at line {e.Start.Line}, column {e.Start.Column}: {e.Message}", e);
        }

        if (tree is null)
        {
            return new InjectionOptions();
        }

        if (tree is not JsonObject)
        {
            throw new InvalidDataException($"injection template {source}: the document must be a mapping of template fields");
        }

        InjectionOptions? options;
        try
        {
            options = tree.Deserialize(InjectionTemplateJsonContext.Default.InjectionOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"injection template {source}: field {e.Path}: {e.Message}", e);
        }

        options ??= new InjectionOptions();
        Validate(options, source);
        return options;
    }

    private static void Validate(InjectionOptions options, string source)
    {
        Require(!string.IsNullOrWhiteSpace(options.ProxyImage), "proxyImage must not be empty");
        Require(options.ImagePullPolicy is "Always" or "IfNotPresent" or "Never", "imagePullPolicy must be Always, IfNotPresent or Never");
        Require(Uri.TryCreate(options.DiscoveryAddress, UriKind.Absolute, out _), "discoveryAddress must be an absolute URI");
        Require(IsPort(options.OutboundPort) && IsPort(options.InboundPort) && IsPort(options.AdminPort), "ports must be within 1-65535");
        Require(options.ProxyUid > 0, "proxyUid must be positive (the proxy never runs as root)");
        Require(options.MaxReviewBytes > 0, "maxReviewBytes must be positive");
        var r = options.Resources;
        Require(
            r is not null && Quantity.IsValid(r.CpuRequest) && Quantity.IsValid(r.CpuLimit) && Quantity.IsValid(r.MemoryRequest) && Quantity.IsValid(r.MemoryLimit),
            "resources must hold four Kubernetes quantities (cpuRequest, memoryRequest, cpuLimit, memoryLimit)");
        var t = options.Tracing;
        Require(t is not null, "tracing must be a mapping (otlpEndpoint, zipkinEndpoint, propagation)");
        Require(Unset(t!.OtlpEndpoint) || ProxyFlagValues.IsEndpoint(t.OtlpEndpoint!), "tracing.otlpEndpoint must be empty or an absolute http(s) URI");
        Require(Unset(t.ZipkinEndpoint) || ProxyFlagValues.IsEndpoint(t.ZipkinEndpoint!), "tracing.zipkinEndpoint must be empty or an absolute http(s) URI");
        Require(
            Unset(t.Propagation) || ProxyFlagValues.IsPropagation(t.Propagation!),
            "tracing.propagation must be empty or a comma-separated list of " + string.Join(", ", ProxyFlagValues.PropagationNames));
        Require(
            Unset(options.TrafficReportInterval) || ProxyFlagValues.IsDuration(options.TrafficReportInterval!),
            "trafficReportInterval must be empty or a duration such as 5s, 500ms or 0");

        void Require(bool condition, string message)
        {
            if (!condition)
            {
                throw new InvalidDataException($"injection template {source}: {message}");
            }
        }
    }

    private static bool IsPort(int port) => port is > 0 and <= 65535;

    private static bool Unset(string? value) => string.IsNullOrWhiteSpace(value);

    // YAML 1.2 is a superset of JSON, so one reader serves both; plain scalars get JSON's types so that
    // `nativeSidecars: false` is a boolean and `adminPort: 15000` a number.
    private static JsonNode? YamlToJson(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents.Count == 0 ? null : Convert(stream.Documents[0].RootNode);
    }

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(p => KeyValuePair.Create(((YamlScalarNode)p.Key).Value ?? "", Convert(p.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(Convert)]),
        YamlScalarNode scalar => ConvertScalar(scalar),
        _ => throw new YamlException(node.Start, node.End, "aliases are not supported in the injection template"),
    };

    private static JsonNode? ConvertScalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "" or "~" or "null" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => JsonValue.Create(number),
            _ => JsonValue.Create(value),
        };
    }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(InjectionOptions))]
internal sealed partial class InjectionTemplateJsonContext : JsonSerializerContext;
