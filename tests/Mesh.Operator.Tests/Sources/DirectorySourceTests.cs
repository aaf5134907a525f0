using Mesh.Operator.Sources;
using Mesh.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.Tests.Sources;

/// <summary>The directory source's scan against real files, with its clock in the test's hands.</summary>
public sealed class DirectorySourceTests : IAsyncLifetime
{
    // Block style, so that a file cut inside its last value still parses (as "port: 90").
    private const string FourServices = """
        apiVersion: v1
        kind: Service
        metadata: {name: productpage, namespace: default}
        spec: {selector: {app: productpage}, ports: [{name: http, port: 9080}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: details, namespace: default}
        spec: {selector: {app: details}, ports: [{name: http, port: 9080}]}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: ratings, namespace: default}
        spec: {selector: {app: ratings}, ports: [{name: http, port: 9080}]}
        ---
        apiVersion: v1
        kind: Service
        metadata:
          name: reviews
          namespace: default
        spec:
          selector:
            app: reviews
          ports:
            - name: http
              port: 9080

        """;

    private readonly string _directory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "mesh-dirsource-" + Guid.NewGuid().ToString("N"));
    private readonly ManualTimeProvider _time = new();
    private DirectorySource _source = null!;

    private string Path => System.IO.Path.Combine(_directory, "services.yaml");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        await File.WriteAllTextAsync(Path, FourServices);
        _source = new DirectorySource(
            Options.Create(new DirectorySourceOptions { Path = _directory }), _time, NullLogger<DirectorySource>.Instance);
        await _source.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _source.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_file_rewritten_in_two_chunks_300_ms_apart_is_taken_only_whole()
    {
        var edited = FourServices.Replace("9080", "9090", StringComparison.Ordinal);
        var cut = edited.LastIndexOf("9090", StringComparison.Ordinal) + 2;
        await File.WriteAllTextAsync(Path, edited[..cut]);
        await ScanAfterAsync(TimeSpan.FromMilliseconds(50));
        Assert.Equal([9080], Ports());
        await ScanAfterAsync(TimeSpan.FromMilliseconds(250));
        Assert.Equal([9080], Ports());

        await File.AppendAllTextAsync(Path, edited[cut..]);
        await ScanAfterAsync(TimeSpan.FromMilliseconds(50));
        Assert.Equal([9080], Ports());

        await ScanAfterAsync(TimeSpan.FromMilliseconds(500));
        Assert.Equal([9090], Ports());
    }

    [Fact]
    public async Task A_file_cut_short_that_stays_so_is_taken_only_after_the_confirming_read()
    {
        var thirdDocument = FourServices.IndexOf("---\napiVersion: v1\nkind: Service\nmetadata: {name: ratings", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path, FourServices[..thirdDocument]);
        await ScanAfterAsync(TimeSpan.FromMilliseconds(50));
        await ScanAfterAsync(TimeSpan.FromMilliseconds(500));
        Assert.Equal(4, _source.Current.Services.Length);

        await ScanAfterAsync(TimeSpan.FromMilliseconds(1_900));
        Assert.Equal(4, _source.Current.Services.Length);
        await ScanAfterAsync(TimeSpan.FromMilliseconds(100));
        Assert.Equal(["details", "productpage"], Names());
    }

    [Fact]
    public async Task A_file_cut_short_and_then_completed_never_loses_its_resources()
    {
        var thirdDocument = FourServices.IndexOf("---\napiVersion: v1\nkind: Service\nmetadata: {name: ratings", StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path, FourServices[..thirdDocument]);
        await ScanAfterAsync(TimeSpan.FromMilliseconds(50));
        await ScanAfterAsync(TimeSpan.FromMilliseconds(600));
        Assert.Equal(4, _source.Current.Services.Length);

        await File.AppendAllTextAsync(Path, FourServices[thirdDocument..]);
        for (var i = 0; i < 10; i++)
        {
            await ScanAfterAsync(TimeSpan.FromMilliseconds(300));
            Assert.Equal(4, _source.Current.Services.Length);
        }
    }

    [Fact]
    public async Task A_file_renamed_into_place_is_taken_without_waiting_for_the_quiet_period()
    {
        // The clock never moves: only the rename's own notification can bring the new file in.
        var temporary = System.IO.Path.Combine(_directory, ".services.yaml.tmp");
        await File.WriteAllTextAsync(temporary, FourServices.Replace("9080", "9090", StringComparison.Ordinal));
        File.Move(temporary, Path, overwrite: true);

        await Eventually.AssertAsync(() => Ports() is [9090], "the renamed file is taken");
    }

    [Fact]
    public async Task A_rewritten_file_keeps_the_objects_of_its_unchanged_documents()
    {
        var productpage = _source.Current.Services.Single(s => s.Metadata.Name == "productpage");
        var reviews = _source.Current.Services.Single(s => s.Metadata.Name == "reviews");

        var temporary = System.IO.Path.Combine(_directory, ".services.yaml.tmp");
        await File.WriteAllTextAsync(temporary, FourServices.Replace("port: 9080\n", "port: 9090\n", StringComparison.Ordinal));
        File.Move(temporary, Path, overwrite: true);

        await Eventually.AssertAsync(() => Ports() is [9080, 9090], "the renamed file is taken");
        Assert.Same(productpage, _source.Current.Services.Single(s => s.Metadata.Name == "productpage"));
        Assert.NotSame(reviews, _source.Current.Services.Single(s => s.Metadata.Name == "reviews"));
    }

    private async Task ScanAfterAsync(TimeSpan delay)
    {
        _time.Advance(delay);
        await _source.ScanAsync(CancellationToken.None);
    }

    private int[] Ports() => [.. _source.Current.Services.SelectMany(s => s.Spec!.Ports!.Select(p => p.Port)).Distinct().Order()];

    private string[] Names() => [.. _source.Current.Services.Select(s => s.Metadata.Name!).Order(StringComparer.Ordinal)];
}
