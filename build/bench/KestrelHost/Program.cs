using System.Globalization;
using System.Net;
using System.Text;

// Usage: KestrelHost LISTEN_PORT — listens on 127.0.0.1:LISTEN_PORT and answers every request with 1 KiB of
// text/plain from memory, like the bench's backend. No routing, no logging.
if (args.Length != 1 || !int.TryParse(args[0], CultureInfo.InvariantCulture, out var listenPort))
{
    await Console.Error.WriteLineAsync("usage: KestrelHost LISTEN_PORT");
    return 2;
}

// As mesh-proxy does for itself: socket continuations run on the epoll thread. Read once, before the first socket.
Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

var body = Encoding.ASCII.GetBytes(new string('x', 1024));
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = true);
builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Listen(IPAddress.Loopback, listenPort);
});

var app = builder.Build();
app.Run(context =>
{
    context.Response.ContentType = "text/plain";
    context.Response.ContentLength = body.Length;
    return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
});
await app.RunAsync();
return 0;
