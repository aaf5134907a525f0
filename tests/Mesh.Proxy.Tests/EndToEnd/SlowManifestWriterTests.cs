using System.Net;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing.Manifests;
using Mesh.Testing.Operator;
using Eventually = Mesh.Testing.Eventually;

namespace Mesh.Proxy.Tests.EndToEnd;

/// <summary>
/// A manifest rewritten in place by a slow writer (two chunks 300 ms apart, as an editor or a <c>cp</c> over a slow
/// disk does) while traffic flows through a real proxy: the half-written file, which declares the Service but not its
/// WorkloadEntries, must never be published.
/// </summary>
public sealed class SlowManifestWriterTests : IAsyncLifetime
{
    private const string File = "reviews.yaml";

    private TestBackend _v1 = null!;
    private TestBackend _v2 = null!;
    private LocalOperator _operator = null!;

    public async Task InitializeAsync()
    {
        _v1 = await TestBackend.StartAsync("reviews-v1");
        _v2 = await TestBackend.StartAsync("reviews-v2");
        _operator = await LocalOperator.StartAsync(new Dictionary<string, string> { [File] = Manifest(100, 0) });
    }

    public async Task DisposeAsync()
    {
        await _operator.DisposeAsync();
        await _v1.DisposeAsync();
        await _v2.DisposeAsync();
    }

    [Fact]
    public async Task A_file_written_in_two_chunks_300_ms_apart_never_interrupts_traffic()
    {
        await using var proxy = await ProxyUnderTest.StartAsync(configure: options =>
        {
            options.DiscoveryAddress = _operator.GrpcAddress;
            options.BootstrapTokenFile = _operator.BootstrapTokenFile;
            options.NodeId = "default/productpage-1";
            options.Labels = new Dictionary<string, string> { ["app"] = "productpage" };
        });
        await Eventually.AssertAsync(async () => await ServedByAsync(proxy) == "reviews-v1", "the first config is applied");

        using var stop = new CancellationTokenSource();
        var traffic = SendUntilStoppedAsync(proxy, stop.Token);
        foreach (var (v1, v2, expected) in new[] { (0, 100, "reviews-v2"), (100, 0, "reviews-v1"), (0, 100, "reviews-v2") })
        {
            await WriteInTwoChunksAsync(Manifest(v1, v2), TimeSpan.FromMilliseconds(300));
            await Eventually.AssertAsync(async () => await ServedByAsync(proxy) == expected, $"the whole file's split ({expected}) is applied");
        }

        await stop.CancelAsync();
        var (sent, failed) = await traffic;
        Assert.True(sent > 50, $"traffic flowed during the writes ({sent} requests)");
        Assert.True(failed.Count == 0, $"{failed.Count} of {sent} requests failed during the slow writes: {string.Join(", ", failed.Distinct())}");
    }

    /// <summary>The VirtualService and the Service first, then the WorkloadEntries and DestinationRule.</summary>
    private string Manifest(int v1, int v2) => ReviewsManifests.Split(v1, v2) + "\n---\n" + ReviewsManifests.Services(_v1.Port, _v2.Port);

    /// <summary>Truncates and writes the part before the first WorkloadEntry, waits, then appends the rest.</summary>
    private async Task WriteInTwoChunksAsync(string text, TimeSpan pause)
    {
        var cut = text.IndexOf("---\napiVersion: mesh.io/v1alpha1\nkind: WorkloadEntry", StringComparison.Ordinal);
        Assert.True(cut > 0, "the manifest has the expected shape");
        var path = Path.Combine(_operator.Directory, File);
        await using (var stream = new FileStream(path, FileMode.Truncate, FileAccess.Write))
        {
            await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text[..cut]));
        }

        await Task.Delay(pause);
        await System.IO.File.AppendAllTextAsync(path, text[cut..]);
    }

    private static async Task<(int Sent, List<string> Failed)> SendUntilStoppedAsync(ProxyUnderTest proxy, CancellationToken stop)
    {
        var failed = new List<string>();
        var sent = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (!stop.IsCancellationRequested && DateTime.UtcNow < deadline)
        {
            var servedBy = await ServedByAsync(proxy);
            sent++;
            if (!servedBy.StartsWith("reviews-", StringComparison.Ordinal))
            {
                failed.Add(servedBy);
            }
        }

        return (sent, failed);
    }

    private static async Task<string> ServedByAsync(ProxyUnderTest proxy)
    {
        using var response = await proxy.GetAsync(ReviewsManifests.Host + ":9080", "/reviews/1");
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return response.Headers.TryGetValues("x-backend", out var backend) ? backend.Single() : "no x-backend header";
    }
}
