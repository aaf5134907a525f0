using System.Net;
using System.Net.NetworkInformation;

namespace Mesh.Api.Security;

/// <summary>
/// Which <c>Host</c> (and <c>Origin</c>) a local admin or debug port answers, against DNS rebinding and cross-site
/// calls from a browser: loopback names and addresses (<c>localhost</c>, <c>*.localhost</c>, 127.0.0.0/8, ::1) and the
/// addresses of this machine's own interfaces, which in a pod are the pod's IPs that kubelet probes and Prometheus
/// scrape. A name that is not <c>localhost</c> is never legitimate: an attacker's domain that resolves to us is exactly
/// what the check exists to refuse. The interface addresses are read again, at most every
/// <see cref="RefreshInterval"/>, when a Host is not among them (a pod's IP can arrive after the process starts).
/// </summary>
public sealed class LocalHostPolicy
{
    /// <summary>How stale the list of interface addresses may be before a miss rereads it. 10 s.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(10);

    private readonly TimeProvider _time;
    private readonly Func<IEnumerable<IPAddress>> _interfaceAddresses;
    private volatile HashSet<IPAddress> _local;
    private long _readAt;

    public LocalHostPolicy(TimeProvider time, Func<IEnumerable<IPAddress>>? interfaceAddresses = null)
    {
        _time = time;
        _interfaceAddresses = interfaceAddresses ?? ReadInterfaceAddresses;
        _local = [.. _interfaceAddresses()];
        _readAt = time.GetTimestamp();
    }

    /// <summary>Whether a <c>Host</c> header value (with or without port) names this machine. An absent Host is allowed (HTTP/1.0).</summary>
    public bool IsAllowedHost(string? host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return true;
        }

        var name = StripPort(host);
        if (name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!IPAddress.TryParse(name, out var address))
        {
            return false;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        return IPAddress.IsLoopback(address) || IsInterfaceAddress(address);
    }

    /// <summary>
    /// Whether an <c>Origin</c> header allows a state-changing call: absent (not a browser, or same-origin navigation of
    /// an old one), or naming a local host. <c>null</c> (a sandboxed or file page) is foreign.
    /// </summary>
    public bool IsAllowedOrigin(string? origin)
    {
        if (string.IsNullOrEmpty(origin))
        {
            return true;
        }

        return Uri.TryCreate(origin, UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && IsAllowedHost(uri.Authority);
    }

    private bool IsInterfaceAddress(IPAddress address)
    {
        if (_local.Contains(address))
        {
            return true;
        }

        var now = _time.GetTimestamp();
        var readAt = Interlocked.Read(ref _readAt);
        if (_time.GetElapsedTime(readAt, now) < RefreshInterval || Interlocked.CompareExchange(ref _readAt, now, readAt) != readAt)
        {
            return false;
        }

        _local = [.. _interfaceAddresses()];
        return _local.Contains(address);
    }

    private static string StripPort(string host)
    {
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            return close > 0 ? host[1..close] : host;
        }

        var colon = host.LastIndexOf(':');
        return colon >= 0 && host.IndexOf(':', StringComparison.Ordinal) == colon ? host[..colon] : host;
    }

    private static IEnumerable<IPAddress> ReadInterfaceAddresses()
    {
        try
        {
            return NetworkInterface.GetAllNetworkInterfaces()
                .SelectMany(i => i.GetIPProperties().UnicastAddresses)
                .Select(a => a.Address.IsIPv6LinkLocal ? new IPAddress(a.Address.GetAddressBytes()) : a.Address)
                .ToList();
        }
        catch (NetworkInformationException)
        {
            return [];
        }
    }
}
