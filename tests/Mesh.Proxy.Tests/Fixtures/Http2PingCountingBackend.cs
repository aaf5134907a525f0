using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Proxy.Tests.Fixtures;

/// <summary>
/// A real h2c (HTTP/2 only) backend on 127.0.0.1 that reads the frames its clients send, beneath Kestrel, and counts
/// the PINGs (not their ACKs): what an HTTP/2 keepalive on the client side puts on the wire.
/// </summary>
public sealed class Http2PingCountingBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _pings;

    private Http2PingCountingBackend(WebApplication app) => _app = app;

    public int Port { get; private set; }

    public int Pings => Volatile.Read(ref _pings);

    public static async Task<Http2PingCountingBackend> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        Http2PingCountingBackend? backend = null;
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l =>
        {
            l.Protocols = HttpProtocols.Http2;
            l.Use(next => connection => backend!.CountAsync(connection, next));
        }));
        var app = builder.Build();
        backend = new Http2PingCountingBackend(app);
        app.Run(context => context.Response.WriteAsync("ok", context.RequestAborted));
        await app.StartAsync();
        backend.Port = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        return backend;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task CountAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var original = connection.Transport;
        var inbound = new Pipe();
        connection.Transport = new DuplexPipe(inbound.Reader, original.Output);
        var pump = PumpAsync(original.Input, inbound.Writer);
        try
        {
            await next(connection);
        }
        finally
        {
            original.Input.CancelPendingRead();
            await pump;
            connection.Transport = original;
        }
    }

    // Copies the client's bytes on to Kestrel while walking the frames: the 24-byte preface, then 9-byte headers
    // (length, type, flags, stream) each followed by its payload. A PING is type 6; its ACK has flag 1.
    private async Task PumpAsync(PipeReader input, PipeWriter output)
    {
        var prefaceLeft = 24;
        var header = new byte[9];
        var headerFill = 0;
        long payloadLeft = 0;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync();
                foreach (var segment in result.Buffer)
                {
                    var span = segment.Span;
                    while (!span.IsEmpty)
                    {
                        int n;
                        if (prefaceLeft > 0 || payloadLeft > 0)
                        {
                            n = (int)Math.Min(span.Length, prefaceLeft > 0 ? prefaceLeft : payloadLeft);
                            if (prefaceLeft > 0)
                            {
                                prefaceLeft -= n;
                            }
                            else
                            {
                                payloadLeft -= n;
                            }
                        }
                        else
                        {
                            n = Math.Min(span.Length, 9 - headerFill);
                            span[..n].CopyTo(header.AsSpan(headerFill));
                            headerFill += n;
                            if (headerFill == 9)
                            {
                                headerFill = 0;
                                payloadLeft = (header[0] << 16) | (header[1] << 8) | header[2];
                                if (header[3] == 6 && (header[4] & 1) == 0)
                                {
                                    Interlocked.Increment(ref _pings);
                                }
                            }
                        }

                        span = span[n..];
                    }

                    await output.WriteAsync(segment);
                }

                input.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted || result.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ConnectionResetException or ObjectDisposedException)
        {
            // The client went away.
        }
        finally
        {
            await output.CompleteAsync();
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
