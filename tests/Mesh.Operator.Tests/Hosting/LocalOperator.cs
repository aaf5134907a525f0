using Grpc.Core;
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

    /// <summary>The CA directory (root CA and bootstrap token), beside the manifest directory so a successor reuses it.</summary>
    public string CaDirectory => CaDirectoryOf(Directory);

    /// <summary>The bootstrap token proxies present to this operator for certificates.</summary>
    public string BootstrapTokenFile => Path.Combine(CaDirectory, "bootstrap-token");

    public Uri GrpcAddress { get; }

    /// <summary>The bootstrap token, read from <see cref="BootstrapTokenFile"/> (the operator writes it on start).</summary>
    public string BootstrapToken => File.ReadAllText(BootstrapTokenFile).Trim();

    /// <summary>
    /// The metadata a local-mode proxy of <paramref name="namespace"/>/<paramref name="serviceAccount"/> sends on its
    /// config stream and certificate requests: the bootstrap token and the claimed identity.
    /// </summary>
    public Metadata Credentials(string @namespace = "default", string serviceAccount = "default") => new()
    {
        { "authorization", "Bearer " + BootstrapToken },
        { "mesh-namespace", @namespace },
        { "mesh-service-account", serviceAccount },
    };

    public Uri HttpAddress { get; }

    public IResourceSource Source => _app.Services.GetRequiredService<IResourceSource>();

    /// <param name="time">The operator's clock (tests of certificate rotation share one with the proxy). Null: the system's.</param>
    public static async Task<LocalOperator> StartAsync(IReadOnlyDictionary<string, string> files, TimeProvider? time = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "mesh-operator-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        foreach (var (name, text) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(directory, name), text);
        }

        return await StartAsync(directory, grpcPort: 0, ownsDirectory: true, time);
    }

    /// <summary>Starts an operator on an existing directory, e.g. a second one on the port a stopped one used.</summary>
    public static async Task<LocalOperator> StartAsync(string directory, int grpcPort, bool ownsDirectory = false, TimeProvider? time = null)
    {
        var app = OperatorHost.Build(
            new OperatorOptions { Source = "dir:" + directory, GrpcPort = grpcPort, HttpPort = 0, WebhookPort = 0, ListenAddress = "127.0.0.1", LogLevel = "Warning", CaDirectory = CaDirectoryOf(directory) },
            services =>
            {
                services.Configure<DirectorySourceOptions>(o => o.PollInterval = TimeSpan.FromMilliseconds(200));
                if (time is not null)
                {
                    services.AddSingleton(time);
                }
            });
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
            if (System.IO.Directory.Exists(CaDirectory))
            {
                System.IO.Directory.Delete(CaDirectory, recursive: true);
            }
        }
    }

    private static string CaDirectoryOf(string directory) => Path.TrimEndingDirectorySeparator(directory) + ".ca";
}
