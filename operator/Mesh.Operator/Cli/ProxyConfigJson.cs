using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Mesh.Api.Security;
using Mesh.Operator.Compiler;

namespace Mesh.Operator.Cli;

/// <summary>
/// The JSON form of a compiled proxy config, <c>{"version":"...","config":{...}}</c>, with the config in protobuf's
/// canonical JSON mapping (default values left out). The proxy's <c>--config-file</c> reads the same shape.
/// </summary>
public static class ProxyConfigJson
{
    private static readonly JsonFormatter Formatter = new(new JsonFormatter.Settings(formatDefaultValues: false));
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static string Format(CompiledProxyConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var document = new JsonObject
        {
            ["version"] = config.Version,
            ["config"] = JsonNode.Parse(Formatter.Format(CredentialRedaction.Redact(config.ToProxyConfig()))),
        };
        return document.ToJsonString(Indented);
    }
}
