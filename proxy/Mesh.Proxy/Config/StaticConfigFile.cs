using System.Text.Json;
using Google.Protobuf;
using Mesh.Api.V1;

namespace Mesh.Proxy.Config;

/// <summary>
/// The <c>--config-file</c> format: <c>{"version":"...","config":{ProxyConfig as protobuf JSON}}</c>. The
/// config is parsed with Google.Protobuf's JSON parser so it is exactly what <c>/config_dump</c> prints.
/// </summary>
internal static class StaticConfigFile
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(false));

    /// <exception cref="InvalidProxyConfigException">The text is not a valid config file.</exception>
    public static (string Version, ProxyConfig Config) Parse(string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new InvalidProxyConfigException("$", "not valid JSON: " + ex.Message, ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidProxyConfigException("$", "expected an object with \"version\" and \"config\"");
            }

            if (!root.TryGetProperty("version", out var versionElement) || versionElement.ValueKind != JsonValueKind.String
                || string.IsNullOrEmpty(versionElement.GetString()))
            {
                throw new InvalidProxyConfigException("version", "a non-empty string is required");
            }

            if (!root.TryGetProperty("config", out var configElement) || configElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidProxyConfigException("config", "an object (ProxyConfig in protobuf JSON) is required");
            }

            try
            {
                return (versionElement.GetString()!, Parser.Parse<ProxyConfig>(configElement.GetRawText()));
            }
            catch (InvalidProtocolBufferException ex)
            {
                throw new InvalidProxyConfigException("config", ex.Message, ex);
            }
            catch (InvalidJsonException ex)
            {
                throw new InvalidProxyConfigException("config", ex.Message, ex);
            }
        }
    }
}
