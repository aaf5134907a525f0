using Mesh.Operator.Hosting;
using Mesh.Operator.Sources;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Operator.Tests.Hosting;

/// <summary>The real operator in local mode over a temporary manifest directory, on ephemeral loopback ports.</summary>
internal sealed class LocalOperator : IAsyncDisposable
{
    private readonly WebApplication _app;

    private LocalOperator(WebApplication app, string directory)
    {
        _app = app;
        Directory = directory;
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

        var app = OperatorHost.Build(
            new OperatorOptions { Source = "dir:" + directory, GrpcPort = 0, HttpPort = 0, ListenAddress = "127.0.0.1", LogLevel = "Warning" },
            services => services.Configure<DirectorySourceOptions>(o => o.PollInterval = TimeSpan.FromMilliseconds(200)));
        await app.StartAsync();
        return new LocalOperator(app, directory);
    }

    public Task WriteAsync(string name, string text) => File.WriteAllTextAsync(Path.Combine(Directory, name), text);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
