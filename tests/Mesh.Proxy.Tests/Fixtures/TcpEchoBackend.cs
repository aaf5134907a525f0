using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Mesh.Proxy.Tests.Fixtures;

/// <summary>
/// A real TCP backend on 127.0.0.1 (ephemeral port): on each connection it first writes its name and a newline, then
/// echoes every byte it reads until the client half-closes, then closes. With a certificate it does all of that
/// inside TLS (as the server of <see cref="Certificate"/>), so a client that verifies it proves it reached this
/// backend end to end.
/// </summary>
public sealed class TcpEchoBackend : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _connections;
    private int _closed;

    private TcpEchoBackend(string name, X509Certificate2? certificate)
    {
        Name = name;
        Certificate = certificate;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    public string Name { get; }

    public int Port { get; }

    public X509Certificate2? Certificate { get; }

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Connections that ended (the peer closed or reset them).</summary>
    public int Closed => Volatile.Read(ref _closed);

    public static TcpEchoBackend Start(string name, X509Certificate2? certificate = null) => new(name, certificate);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _accepting;
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            _ = ServeAsync(client);
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                Stream stream = client.GetStream();
                if (Certificate is not null)
                {
                    var tls = new SslStream(stream);
                    await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = Certificate }, _stop.Token);
                    stream = tls;
                }

                await using (stream)
                {
                    await stream.WriteAsync(Encoding.ASCII.GetBytes(Name + "\n"), _stop.Token);
                    var buffer = new byte[8192];
                    int read;
                    while ((read = await stream.ReadAsync(buffer, _stop.Token)) > 0)
                    {
                        await stream.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
                    }

                    if (stream is SslStream secure)
                    {
                        await secure.ShutdownAsync();
                    }
                }
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or System.Security.Authentication.AuthenticationException)
            {
                // The client went away or the test ended.
            }
            finally
            {
                Interlocked.Increment(ref _closed);
            }
        }
    }
}
