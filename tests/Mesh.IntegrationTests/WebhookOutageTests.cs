using System.Diagnostics;
using System.Text.Json.Nodes;
using Mesh.IntegrationTests.Fixtures;
using Mesh.Kubernetes.Client;
using Mesh.Operator.Manifests;
using Mesh.Testing;

namespace Mesh.IntegrationTests;

/// <summary>
/// The chart's webhook entries, as helm renders them, registered with a real API server while no operator runs
/// (its Service has no endpoints): only pods that asked for a sidecar by a label are refused; any other pod is
/// created without waiting for the webhook's timeout.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class WebhookOutageTests
{
    [ClusterHelmFact]
    public async Task With_the_operator_stopped_only_pods_that_opted_in_by_a_label_are_refused()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await using var cluster = await Cluster.ConnectAsync(cancel.Token);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var operatorNamespace = $"mesh-it-op-{suffix}";
        var plainNamespace = $"mesh-it-plain-{suffix}";
        var configuration = await RenderWebhookAsync(operatorNamespace, $"mesh-sidecar-injector-{suffix}", cancel.Token);
        try
        {
            await cluster.ApplyAsync(Cluster.NamespaceManifest(operatorNamespace, injection: false), cancel.Token);
            await cluster.ApplyAsync(Cluster.NamespaceManifest(plainNamespace, injection: false), cancel.Token);
            // The operator's Service selecting no pod: what the API server finds while every replica is down.
            var service = new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Service",
                ["metadata"] = new JsonObject { ["name"] = "mesh-operator", ["namespace"] = operatorNamespace },
                ["spec"] = new JsonObject
                {
                    ["selector"] = new JsonObject { ["app"] = "no-such-operator" },
                    ["ports"] = new JsonArray(new JsonObject { ["name"] = "webhook", ["port"] = 443, ["targetPort"] = 15017 }),
                },
            };
            await cluster.ApplyAsync(service.ToJsonString(), cancel.Token);
            await cluster.ApplyAsync(configuration.ToJsonString(), cancel.Token);

            var created = await CreateUntilSettledAsync(cluster, plainNamespace, "plain", null, cancel.Token);
            Assert.True(created.Error is null, $"a pod of an unlabelled namespace was refused: {created.Error}");
            // Less than the annotation entry's timeout: the API server did not wait for an answer that could not come.
            Assert.True(created.Elapsed < TimeSpan.FromSeconds(3), $"creating it took {created.Elapsed}");

            var enabled = await CreateUntilSettledAsync(cluster, cluster.Namespace, "enabled", null, cancel.Token);
            Assert.Contains("namespace.sidecar-injector.mesh.io", enabled.Error, StringComparison.Ordinal);

            var labelled = await CreateUntilSettledAsync(cluster, plainNamespace, "labelled", "true", cancel.Token);
            Assert.Contains("pod-label.sidecar-injector.mesh.io", labelled.Error, StringComparison.Ordinal);
        }
        finally
        {
            var webhookName = (string)configuration["metadata"]!["name"]!;
            await DeleteQuietlyAsync(() => cluster.DeleteClusterObjectAsync("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", webhookName, CancellationToken.None));
            await DeleteQuietlyAsync(() => cluster.DeleteNamespaceAsync(plainNamespace, CancellationToken.None));
            await DeleteQuietlyAsync(() => cluster.DeleteNamespaceAsync(operatorNamespace, CancellationToken.None));
        }
    }

    private static async Task<JsonObject> RenderWebhookAsync(string operatorNamespace, string name, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(ClusterHelmFactAttribute.Helm)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList = { "template", "mesh", RepositoryPaths.Combine("charts", "mesh"), "--namespace", operatorNamespace, "--show-only", "templates/mutatingwebhookconfiguration.yaml" },
        };
        using var helm = Process.Start(start)!;
        var output = helm.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = helm.StandardError.ReadToEndAsync(cancellationToken);
        await helm.WaitForExitAsync(cancellationToken);
        Assert.True(helm.ExitCode == 0, $"helm template failed: {await error}");
        var configuration = YamlJsonReader.Read(await output).Select(d => d.Root).OfType<JsonObject>().Single();
        configuration["metadata"]!["name"] = name;
        return configuration;
    }

    /// <summary>
    /// Creates a pod until the answer is the webhook's (a new namespace refuses pods until its default
    /// ServiceAccount exists); returns how long the settling attempt took and its error, null when created.
    /// </summary>
    private static async Task<(TimeSpan Elapsed, string? Error)> CreateUntilSettledAsync(Cluster cluster, string ns, string name, string? injectLabel, CancellationToken cancellationToken)
    {
        var labels = new JsonObject();
        if (injectLabel is not null)
        {
            labels["mesh.io/inject"] = injectLabel;
        }

        var pod = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = labels },
            ["spec"] = new JsonObject
            {
                ["containers"] = new JsonArray(new JsonObject
                {
                    ["name"] = "app",
                    ["image"] = "docker.io/library/busybox:1.36",
                    ["command"] = new JsonArray("sleep", "3600"),
                }),
            },
        }.ToJsonString();
        (TimeSpan, string?) settled = default;
        await Eventually.AssertAsync(
            async () =>
            {
                var stopwatch = Stopwatch.StartNew();
                try
                {
                    await cluster.ApplyAsync(pod, cancellationToken);
                    settled = (stopwatch.Elapsed, null);
                    return true;
                }
                catch (KubernetesException ex) when (!ex.Message.Contains("serviceaccount", StringComparison.OrdinalIgnoreCase))
                {
                    settled = (stopwatch.Elapsed, ex.Message);
                    return true;
                }
                catch (KubernetesException)
                {
                    return false;
                }
            },
            $"the API server answers the creation of pod {ns}/{name}",
            TimeSpan.FromSeconds(60));
        return settled;
    }

    private static async Task DeleteQuietlyAsync(Func<Task> delete)
    {
        try
        {
            await delete();
        }
        catch (KubernetesException ex) when (ex.IsNotFound)
        {
            // Never created: the test failed before.
        }
    }
}
