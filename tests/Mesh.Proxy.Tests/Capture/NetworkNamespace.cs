using System.ComponentModel;
using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Mesh.Proxy.Tests.Capture;

/// <summary>
/// A network namespace of the test's own (<c>ip netns add</c>) with loopback up and a veth pair carrying
/// <see cref="Address"/>/24: capture exempts 127.0.0.1, so the workloads under test need a non-loopback address.
/// Sockets for the test process itself are made inside it by a thread that enters the namespace (a socket stays in
/// the namespace it was created in). <see cref="CreatePeer"/> moves the veth's other end into a second namespace, which
/// then acts as another pod on the same network. Deleted on dispose.
/// </summary>
internal sealed class NetworkNamespace : IDisposable
{
    private const int CloneNewNet = 0x40000000;

    private NetworkNamespace(string name, string address)
    {
        Name = name;
        Address = address;
    }

    public string Name { get; }

    /// <summary>The namespace's own non-loopback address (the pod IP).</summary>
    public string Address { get; }

    public static NetworkNamespace Create()
    {
        var ns = new NetworkNamespace(NewName(), "10.250.0.2");
        Check(Run("ip", "netns", "add", ns.Name));
        try
        {
            // A dummy interface would do, but its kernel module is often missing in containers; veth is built in.
            Check(ns.Exec("ip", "link", "set", "lo", "up"));
            Check(ns.Exec("ip", "link", "add", "mesh0", "type", "veth", "peer", "name", "mesh1"));
            Check(ns.Exec("ip", "addr", "add", ns.Address + "/24", "dev", "mesh0"));
            Check(ns.Exec("ip", "link", "set", "mesh0", "up"));
            Check(ns.Exec("ip", "link", "set", "mesh1", "up"));
            return ns;
        }
        catch
        {
            ns.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A second namespace holding the other end of this one's veth, at 10.250.0.3/24: another pod, whose packets reach
    /// this namespace from outside (through PREROUTING, as a kubelet's probe or another pod's call does). Call once.
    /// </summary>
    public NetworkNamespace CreatePeer()
    {
        var peer = new NetworkNamespace(NewName(), "10.250.0.3");
        Check(Run("ip", "netns", "add", peer.Name));
        try
        {
            Check(Exec("ip", "link", "set", "mesh1", "netns", peer.Name));
            Check(peer.Exec("ip", "link", "set", "lo", "up"));
            Check(peer.Exec("ip", "addr", "add", peer.Address + "/24", "dev", "mesh1"));
            Check(peer.Exec("ip", "link", "set", "mesh1", "up"));
            return peer;
        }
        catch
        {
            peer.Dispose();
            throw;
        }
    }

    /// <summary>Runs a command inside the namespace (as root) and returns its exit code and output.</summary>
    public (int Code, string Output) Exec(params string[] command) => Run(["ip", "netns", "exec", Name, .. command]);

    /// <summary>A TCP socket that lives in the namespace, usable from any thread of the test process.</summary>
    public Socket CreateSocket(AddressFamily family)
    {
        Socket? socket = null;
        Exception? error = null;

        // setns changes only the calling thread; this one enters the namespace, makes the socket and ends.
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle(Path.Combine("/var/run/netns", Name));
                if (SetNs(handle.DangerousGetHandle().ToInt32(), CloneNewNet) != 0)
                {
                    throw new Win32Exception(Marshal.GetLastPInvokeError(), "setns into " + Name);
                }

                socket = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Win32Exception or SocketException)
            {
                error = e;
            }
        });
        thread.Start();
        thread.Join();
        return socket ?? throw new InvalidOperationException("could not create a socket in " + Name, error);
    }

    /// <summary>An HTTP client whose connections start inside the namespace (for the proxy's admin listener).</summary>
    public HttpClient CreateHttpClient() => new(new SocketsHttpHandler
    {
        UseProxy = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = CreateSocket(AddressFamily.InterNetwork);
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    { Timeout = TimeSpan.FromSeconds(20) };

    public void Dispose() => Run("ip", "netns", "del", Name);

    private static string NewName() => "mesh-test-" + Guid.NewGuid().ToString("N")[..8];

    public static (int Code, string Output) Run(params string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in command.AsSpan(1))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{string.Join(' ', command)} did not finish within 60 s");
        }

        return (process.ExitCode, output.Result + error.Result);
    }

    private static void Check((int Code, string Output) result) =>
        Assert.True(result.Code == 0, result.Output);

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static extern int SetNs(int fd, int nstype);
}
