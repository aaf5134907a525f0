using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Mesh.Api.Grpc;

/// <summary>What every mapped method shares: options, the active-call tracker, the clock and the logger.</summary>
internal sealed class GrpcWireServices
{
    public GrpcWireServices(IOptions<GrpcServerOptions> options, ActiveCallTracker tracker, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        Options = options.Value;
        Tracker = tracker;
        TimeProvider = timeProvider;
        Logger = loggerFactory.CreateLogger("Mesh.Api.Grpc.Server");
    }

    public GrpcServerOptions Options { get; }

    public ActiveCallTracker Tracker { get; }

    public TimeProvider TimeProvider { get; }

    public ILogger Logger { get; }

    /// <summary>Set once the catch-all UNIMPLEMENTED endpoint is mapped, so it is mapped only once.</summary>
    public bool UnimplementedMapped { get; set; }
}
