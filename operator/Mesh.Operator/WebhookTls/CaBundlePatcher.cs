using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Mesh.Kubernetes.Client;
using Microsoft.Extensions.Logging;
using KubernetesException = Mesh.Kubernetes.Client.KubernetesException;

namespace Mesh.Operator.WebhookTls;

/// <summary>
/// Keeps <c>webhooks[*].clientConfig.caBundle</c> of the MutatingWebhookConfiguration equal to the self-managed CA,
/// writing only the webhooks that differ (GET, then a JSON patch guarded by the resourceVersion it was computed from).
/// </summary>
internal sealed class CaBundlePatcher
{
    private readonly IKubernetesClient _client;
    private readonly ILogger _logger;
    private bool _reportedMissing;

    public CaBundlePatcher(IKubernetesClient client, ILogger logger)
    {
        _client = client;
        _logger = logger;
    }

    /// <summary>Patches the configuration named <paramref name="configuration"/>; a missing one is reported once and skipped.</summary>
    public async Task EnsureAsync(string configuration, byte[] caBundle, CancellationToken cancellationToken)
    {
        V1MutatingWebhookConfiguration current;
        try
        {
            current = await _client.CallAsync(api => api.AdmissionregistrationV1.ReadMutatingWebhookConfigurationAsync(configuration, cancellationToken: cancellationToken));
        }
        catch (KubernetesException ex) when (ex.IsNotFound)
        {
            if (!_reportedMissing)
            {
                WebhookTlsLog.ConfigurationMissing(_logger, configuration);
                _reportedMissing = true;
            }

            return;
        }

        _reportedMissing = false;
        var patch = Patch(current, caBundle, out var changed);
        if (changed.Count == 0)
        {
            return;
        }

        var body = new V1Patch(patch.ToJsonString(), V1Patch.PatchType.JsonPatch);
        await _client.CallAsync(api => api.AdmissionregistrationV1.PatchMutatingWebhookConfigurationAsync(body, configuration, cancellationToken: cancellationToken));
        foreach (var webhook in changed)
        {
            WebhookTlsLog.CaBundlePatched(_logger, configuration, webhook);
        }
    }

    /// <summary>
    /// The JSON patch setting the differing caBundles. Its first operation tests the resourceVersion, so that a
    /// configuration reordered since it was read is not patched by index (the API server rejects it; the next sync retries).
    /// </summary>
    internal static JsonArray Patch(V1MutatingWebhookConfiguration configuration, byte[] caBundle, out List<string> changed)
    {
        changed = [];
        var operations = new JsonArray
        {
            new JsonObject { ["op"] = "test", ["path"] = "/metadata/resourceVersion", ["value"] = configuration.Metadata.ResourceVersion },
        };
        var encoded = Convert.ToBase64String(caBundle);
        var webhooks = configuration.Webhooks ?? [];
        for (var i = 0; i < webhooks.Count; i++)
        {
            var clientConfig = webhooks[i].ClientConfig;
            if (clientConfig?.CaBundle is { } existing && existing.AsSpan().SequenceEqual(caBundle))
            {
                continue;
            }

            changed.Add(webhooks[i].Name ?? i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            operations.Add(clientConfig is null
                ? new JsonObject { ["op"] = "add", ["path"] = $"/webhooks/{i}/clientConfig", ["value"] = new JsonObject { ["caBundle"] = encoded } }
                : new JsonObject { ["op"] = "add", ["path"] = $"/webhooks/{i}/clientConfig/caBundle", ["value"] = encoded });
        }

        return operations;
    }
}
