using System.Text.Json;
using Mesh.Proxy.Tests.Fixtures;
using Mesh.Testing;
using Xunit.Abstractions;

namespace Mesh.Proxy.Tests.Dashboard;

/// <summary>
/// The dashboard in a real browser: Debian's chromium, driven by playwright-core (peers/playwright, installed from its
/// lockfile by build/test.sh), against the bookinfo mesh while traffic flows. Screenshots go to
/// <c>TestResults/dashboard/</c> under the test output (the path is printed).
/// </summary>
public sealed class DashboardBrowserTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private BookinfoMesh _mesh = null!;

    public async Task InitializeAsync() => _mesh = await BookinfoMesh.StartAsync();

    public async Task DisposeAsync() => await _mesh.DisposeAsync();

    [Fact]
    public async Task The_graph_shows_the_split_and_a_failing_route_and_the_resources_page_an_invalid_field_path()
    {
        // .ci/run installs chromium; a machine without it fails here with the reason rather than skipping.
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium package (apt-get install -y chromium), as .ci/run does.");
        var screenshots = Path.Combine(AppContext.BaseDirectory, "TestResults", "dashboard");
        var input = JsonSerializer.Serialize(new
        {
            url = new Uri(_mesh.Operator.HttpAddress, "/ui/").ToString(),
            screenshots,
            chromium = Chromium,
            timeoutMs = 60_000,
            expect = new
            {
                source = "default/productpage",
                service = BookinfoMesh.Reviews,
                subsets = new[] { "v1", "v2" },
                failing = BookinfoMesh.Ratings,
                invalidPath = BookinfoMesh.InvalidPath,
            },
        });

        // The page opens before any traffic: what it shows arrives through its live refresh.
        using var stop = new CancellationTokenSource();
        var traffic = SendTrafficAsync(stop.Token);
        NodeScript.Result result;
        try
        {
            result = await NodeScript.RunAsync(RepositoryPaths.Combine("tests", "Mesh.Proxy.Tests", "peers", "playwright", "dashboard.js"), input, TimeSpan.FromMinutes(4));
        }
        finally
        {
            await stop.CancelAsync();
            await traffic;
        }

        output.WriteLine($"screenshots: {screenshots}");
        output.WriteLine(result.Output);
        output.WriteLine(result.Error);
        using var report = JsonDocument.Parse(result.Output.Trim().Split('\n')[^1]);
        var steps = string.Join("\n", report.RootElement.GetProperty("steps").EnumerateArray().Select(s => s.GetString()));
        var error = report.RootElement.TryGetProperty("error", out var reason) ? reason.GetString() : null;
        Assert.True(report.RootElement.GetProperty("ok").GetBoolean(), $"{error}\nsteps:\n{steps}");
        Assert.All(["graph", "service", "resources", "proxies"], name => Assert.True(File.Exists(Path.Combine(screenshots, name + ".png")), name));
    }

    /// <summary>Reviews (80/20) and jason's aborted ratings requests, a batch every 200 ms, until stopped.</summary>
    private async Task SendTrafficAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await _mesh.SendAsync(BookinfoMesh.Reviews, 10);
            await _mesh.SendAsync(BookinfoMesh.Ratings, 2, endUser: "jason");
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
