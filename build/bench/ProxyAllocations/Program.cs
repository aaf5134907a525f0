using System.Globalization;
using System.Runtime.InteropServices;
using Mesh.Bench.ProxyAllocations;
using Mesh.Proxy.Hosting;

// proxy-allocations CONFIG_FILE OUTBOUND_PORT INBOUND_PORT ADMIN_PORT
// Runs the proxy on a local config file; each SIGHUP prints "allocated BYTES gen0 N" (all threads, precise), so a
// script can read the bytes allocated over a known number of requests. With PROXY_ALLOCATIONS_TYPES=1 it also
// prints the types most sampled by the runtime's allocation ticks since the last SIGHUP. Inline socket completions come from
// DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1 in the environment, as mesh-proxy sets it for itself.
if (args.Length != 4)
{
    Console.Error.WriteLine("usage: proxy-allocations CONFIG_FILE OUTBOUND_PORT INBOUND_PORT ADMIN_PORT");
    return 2;
}

var options = new ProxyOptions
{
    ConfigFile = args[0],
    NodeId = "bench/client-1",
    Labels = new Dictionary<string, string> { ["app"] = "client" },
    OutboundPort = int.Parse(args[1], CultureInfo.InvariantCulture),
    InboundPort = int.Parse(args[2], CultureInfo.InvariantCulture),
    AdminPort = int.Parse(args[3], CultureInfo.InvariantCulture),
};

using var sampler = Environment.GetEnvironmentVariable("PROXY_ALLOCATIONS_TYPES") == "1" ? new AllocationSampler() : null;
var app = ProxyHostBuilder.Build(options);
using var report = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
{
    context.Cancel = true;
    Console.Out.WriteLine($"allocated {GC.GetTotalAllocatedBytes(precise: true)} gen0 {GC.CollectionCount(0)}");
    if (sampler is not null)
    {
        foreach (var (type, samples) in sampler.Top(25))
        {
            Console.Out.WriteLine($"  {samples,6} {type}");
        }

        sampler.Reset();
    }

    Console.Out.Flush();
});
await app.RunAsync();
return 0;
