using System.Globalization;
using System.Net;
using Yarp.ReverseProxy.Configuration;

// Usage: YarpHost LISTEN_PORT BACKEND_PORT... — listens on 127.0.0.1:LISTEN_PORT and forwards every request to the
// backends on 127.0.0.1, round robin, over pooled keep-alive connections. No request logging.
if (args.Length < 2 || !int.TryParse(args[0], CultureInfo.InvariantCulture, out var listenPort))
{
    await Console.Error.WriteLineAsync("usage: YarpHost LISTEN_PORT BACKEND_PORT...");
    return 2;
}

var destinations = new Dictionary<string, DestinationConfig>(StringComparer.Ordinal);
foreach (var port in args.Skip(1))
{
    destinations[$"backend-{port}"] = new DestinationConfig { Address = $"http://127.0.0.1:{port}" };
}

// As mesh-proxy does for itself: socket continuations run on the epoll thread. Read once, before the first socket.
Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Listen(IPAddress.Loopback, listenPort);
});
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "bench", ClusterId = "backends", Match = new RouteMatch { Path = "/{**catch-all}" } }],
    [new ClusterConfig { ClusterId = "backends", LoadBalancingPolicy = "RoundRobin", Destinations = destinations }]);

var app = builder.Build();
app.MapReverseProxy();
await app.RunAsync();
return 0;
