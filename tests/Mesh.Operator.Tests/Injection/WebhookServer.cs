using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Mesh.Operator.Injection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Operator.Tests.Injection;

/// <summary>The webhook on a real Kestrel socket (127.0.0.1, ephemeral port), plain HTTP, with settable namespace labels.</summary>
internal sealed class WebhookServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Prometheus.Counter _injections;

    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _labels;

    private WebhookServer(WebApplication app, HttpClient client, Dictionary<string, IReadOnlyDictionary<string, string>> labels)
    {
        _app = app;
        _labels = labels;
        Client = client;

        // The factory hands back the family the webhook registered in this host's registry (same name and labels).
        _injections = Prometheus.Metrics.WithCustomRegistry(app.Services.GetRequiredService<Prometheus.CollectorRegistry>())
            .CreateCounter("mesh_injection_total", "Pods seen by the injection webhook, by result, webhook entry and reason.", "result", "entry", "reason");
    }

    public HttpClient Client { get; }

    /// <summary>Every count of mesh_injection_total in this host's registry with all three labels, one entry per count, ordered.</summary>
    public IReadOnlyList<(string Result, string Entry, string Reason)> RecordedWithEntries =>
        [.. _injections.GetAllLabelValues()
            .SelectMany(labels => Enumerable.Repeat((labels[0], labels[1], labels[2]), (int)_injections.WithLabels(labels).Value))
            .Order()];

    /// <summary>Every count of mesh_injection_total by result and reason, one entry per count, ordered.</summary>
    public IReadOnlyList<(string Result, string Reason)> Recorded => [.. RecordedWithEntries.Select(r => (r.Result, r.Reason)).Order()];

    public static async Task<WebhookServer> StartAsync(Action<InjectionOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var labels = new Dictionary<string, IReadOnlyDictionary<string, string>>();
        builder.Services.AddSingleton<INamespaceLabels>(new DictionaryNamespaceLabels(labels));
        builder.Services.AddInjectionWebhook(configure);
        var app = builder.Build();
        app.MapInjectionWebhook();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new WebhookServer(app, new HttpClient { BaseAddress = new Uri(address) }, labels);
    }

    /// <summary>Set before the review is posted; the webhook reads it per request.</summary>
    public void LabelNamespace(string name, string key, string value) => _labels[name] = new Dictionary<string, string> { [key] = value };

    public Task<HttpResponseMessage> PostAsync(string body, string contentType = "application/json")
        => Client.PostAsync("/inject", new StringContent(body, Encoding.UTF8, contentType));

    /// <summary>Posts a review that must succeed and returns the response review.</summary>
    public async Task<JsonObject> ReviewAsync(JsonObject review)
    {
        using var response = await PostAsync(review.ToJsonString());
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class DictionaryNamespaceLabels(Dictionary<string, IReadOnlyDictionary<string, string>> labels) : INamespaceLabels
    {
        public ValueTask<IReadOnlyDictionary<string, string>?> GetLabelsAsync(string namespaceName, CancellationToken cancellationToken)
            => ValueTask.FromResult(labels.TryGetValue(namespaceName, out var found) ? found : null);
    }
}
