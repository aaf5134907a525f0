using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Mesh.Demo;

/// <summary>
/// Small stand-ins for bookinfo's services, one Kestrel server per WorkloadEntry on its port: each answers with its
/// name and version (body and <c>x-served-by</c>). details can be made flaky to show retries at work.
/// </summary>
internal sealed class BookinfoServices : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];
    private readonly Dictionary<string, int> _requests = [];
    private readonly Lock _gate = new();

    /// <summary>When above zero, every Nth request to details answers 503 (the sidecar retries it).</summary>
    public int DetailsFailEvery { get; set; }

    public int RequestsTo(string workload)
    {
        lock (_gate)
        {
            return _requests.GetValueOrDefault(workload);
        }
    }

    public static async Task<BookinfoServices> StartAsync(IEnumerable<BookinfoWorkload> workloads, CancellationToken cancellationToken)
    {
        var services = new BookinfoServices();
        try
        {
            foreach (var workload in workloads)
            {
                var builder = WebApplication.CreateSlimBuilder();
                builder.Logging.ClearProviders();
                builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, workload.Port));
                var app = builder.Build();
                app.Run(context => services.HandleAsync(workload, context));
                await app.StartAsync(cancellationToken);
                services._apps.Add(app);
            }
        }
        catch
        {
            await services.DisposeAsync();
            throw;
        }

        return services;
    }

    private Task HandleAsync(BookinfoWorkload workload, HttpContext context)
    {
        int count;
        lock (_gate)
        {
            count = _requests[workload.Name] = _requests.GetValueOrDefault(workload.Name) + 1;
        }

        context.Response.Headers["x-served-by"] = $"{workload.App} {workload.Version}";
        if (workload.App == "details" && DetailsFailEvery > 0 && count % DetailsFailEvery == 0)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return context.Response.WriteAsync("details is having a bad moment\n");
        }

        return context.Response.WriteAsync($"{workload.App} {workload.Version} ({workload.Name} on 127.0.0.1:{workload.Port})\n");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
