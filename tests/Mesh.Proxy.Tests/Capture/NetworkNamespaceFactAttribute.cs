namespace Mesh.Proxy.Tests.Capture;

/// <summary>
/// A test that needs its own network namespace: root, <c>ip</c> and <c>iptables-restore</c> (.ci/run installs
/// iproute2 and iptables), plus any other <paramref name="tools"/> it runs. Where they are missing the test reports
/// itself skipped with the reason.
/// </summary>
public sealed class NetworkNamespaceFactAttribute : FactAttribute
{
    public NetworkNamespaceFactAttribute(params string[] tools)
    {
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            Skip = "needs root on Linux to create network namespaces";
        }
        else if (!File.Exists("/usr/sbin/ip") && !File.Exists("/sbin/ip") || !File.Exists("/usr/sbin/iptables-restore") && !File.Exists("/sbin/iptables-restore"))
        {
            Skip = "needs iproute2 and iptables (apt-get install iproute2 iptables)";
        }
        else if (tools.FirstOrDefault(tool => !new[] { "/usr/bin", "/bin", "/usr/sbin", "/sbin" }.Any(dir => File.Exists(Path.Combine(dir, tool)))) is { } missing)
        {
            Skip = $"needs {missing} (.ci/run installs it)";
        }
    }
}
