using Mesh.Operator.Hosting;
using Mesh.Operator.Sources;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Testing.Operator;

/// <summary>
/// The real operator in local mode over a temporary manifest directory, on loopback ports (ephemeral unless given).
/// Also compiled into Mesh.Proxy.Tests, whose end-to-end tests use it as the proxy's control plane.
/// </summary>
internal sealed class LocalOperator : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly bool _ownsDirectory;

    private LocalOperator(WebApplication app, string directory, bool ownsDirectory)
    {
        _app = app;
        Directory = directory;
        _ownsDirectory = ownsDirectory;
        var listeners = app.Services.GetRequiredService<OperatorListeners>();
        GrpcAddress = new Uri($"http://127.0.0.1:{listeners.GrpcPort}");
        HttpAddress = new Uri($"http://127.0.0.1:{listeners.HttpPort}");
    }

    public string Directory { get; }

    public Uri GrpcAddress { get; }

    public Uri HttpAddress { get; }

    public IResourceSource Source => _app.Services.GetRequiredService<IResourceSource>();

    public static async Task<LocalOperator> StartAsync(IReadOnlyDictionary<string, string> files)
    {
        var directory = Path.Combine(Path.GetTempPath(), "mesh-operator-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        foreach (var (name, text) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(directory, name), text);
        }

        return await StartAsync(directory, grpcPort: 0, ownsDirectory: true);
    }

    /// <summary>Starts an operator on an existing directory, e.g. a second one on the port a stopped one used.</summary>
    public static async Task<LocalOperator> StartAsync(string directory, int grpcPort, bool ownsDirectory = false)
    {
        var app = OperatorHost.Build(
            new OperatorOptions { Source = "dir:" + directory, GrpcPort = grpcPort, HttpPort = 0, WebhookPort = 0, ListenAddress = "127.0.0.1", LogLevel = "Warning" },
            services => services.Configure<DirectorySourceOptions>(o => o.PollInterval = TimeSpan.FromMilliseconds(200)));
        await app.StartAsync();
        return new LocalOperator(app, directory, ownsDirectory);
    }

    public Task WriteAsync(string name, string text) => File.WriteAllTextAsync(Path.Combine(Directory, name), text);

    /// <summary>Stops the operator but leaves its directory for a successor started on it.</summary>
    public async Task StopKeepingDirectoryAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownsDirectory)
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
