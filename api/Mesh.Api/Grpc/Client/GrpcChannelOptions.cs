namespace Mesh.Api.Grpc;

/// <summary>Settings of a <see cref="GrpcChannel"/>. The defaults suit a long-lived control-plane stream.</summary>
public sealed class GrpcChannelOptions
{
    /// <summary>
    /// The handler that sends the HTTP/2 requests. Null (the default) creates a <see cref="SocketsHttpHandler"/>
    /// with several HTTP/2 connections allowed and the keep-alive settings below. Pass your own for TLS client
    /// certificates or custom sockets.
    /// </summary>
    public HttpMessageHandler? HttpHandler { get; set; }

    /// <summary>Whether disposing the channel disposes <see cref="HttpHandler"/>. Default true.</summary>
    public bool DisposeHttpHandler { get; set; } = true;

    /// <summary>The largest response message accepted, in bytes; null is unlimited. Default 4 MiB.</summary>
    public int? MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>The largest request message sent, in bytes; null (the default) is unlimited.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>
    /// How long a connection may be idle before an HTTP/2 PING checks it (only with the default handler).
    /// Default 60 s; <see cref="Timeout.InfiniteTimeSpan"/> disables pings.
    /// </summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a PING may go unanswered before the connection is closed. Default 20 s.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The clock for deadlines. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
