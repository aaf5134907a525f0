using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Mesh.Proxy.Capture;

/// <summary>
/// <c>mesh-proxy init-iptables</c>: installs the capture rules (what the injected <c>mesh-init</c> container runs), or
/// prints them with <c>--dry-run</c>. The flag names match the injection template's arguments.
/// </summary>
internal static class InitIptablesCommand
{
    public static Command Create()
    {
        var proxyUid = new Option<int>("--proxy-uid") { Description = "The proxy's uid; its traffic is not captured.", DefaultValueFactory = _ => 1337 };
        var proxyGid = new Option<int?>("--proxy-gid") { Description = "The proxy's gid (default: the uid)." };
        var outbound = new Option<int>("--outbound-port") { Description = "Outbound listener.", DefaultValueFactory = _ => 15001 };
        var inbound = new Option<int>("--inbound-port") { Description = "Inbound listener.", DefaultValueFactory = _ => 15006 };
        var excludeInbound = new Option<string?>("--exclude-inbound-ports") { Description = "Comma-separated ports never redirected inbound." };
        var excludeOutbound = new Option<string?>("--exclude-outbound-ports") { Description = "Comma-separated destination ports never redirected." };
        var excludeRanges = new Option<string?>("--exclude-outbound-ip-ranges") { Description = "Comma-separated CIDRs never redirected." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the rules (iptables-restore input) instead of applying them." };
        var command = new Command("init-iptables", "Install the traffic-capture rules in this network namespace.")
        {
            proxyUid, proxyGid, outbound, inbound, excludeInbound, excludeOutbound, excludeRanges, dryRun,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            CaptureRules rules;
            try
            {
                var uid = result.GetValue(proxyUid);
                rules = new CaptureRules(
                    uid,
                    result.GetValue(proxyGid) ?? uid,
                    CheckPort("--outbound-port", result.GetValue(outbound)),
                    CheckPort("--inbound-port", result.GetValue(inbound)),
                    ParsePorts("--exclude-inbound-ports", result.GetValue(excludeInbound)),
                    ParsePorts("--exclude-outbound-ports", result.GetValue(excludeOutbound)),
                    ParseRanges(result.GetValue(excludeRanges)));
            }
            catch (FormatException ex)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"mesh-proxy init-iptables: {ex.Message}");
                return 2;
            }

            var script = rules.ToIptablesRestore();
            if (result.GetValue(dryRun))
            {
                await result.InvocationConfiguration.Output.WriteAsync(script);
                return 0;
            }

            return await ApplyAsync(script, cancellationToken);
        });
        return command;
    }

    private static async Task<int> ApplyAsync(string script, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("iptables-restore") { RedirectStandardInput = true, UseShellExecute = false };
        start.ArgumentList.Add("--noflush");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("iptables-restore did not start");
        await process.StandardInput.WriteAsync(script);
        process.StandardInput.Close();
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            await Console.Error.WriteLineAsync($"mesh-proxy init-iptables: iptables-restore exited with {process.ExitCode}; rules:\n{script}");
        }

        return process.ExitCode;
    }

    internal static IReadOnlyList<int> ParsePorts(string flag, string? text) =>
        Split(text).Select(part => int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? CheckPort(flag, port)
            : throw new FormatException($"{flag}: '{part}' is not a port")).ToList();

    internal static IReadOnlyList<IPNetwork> ParseRanges(string? text) =>
        Split(text).Select(part => IPNetwork.TryParse(part, out var range) && range.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
            ? range
            : throw new FormatException($"--exclude-outbound-ip-ranges: '{part}' is not an IPv4 CIDR such as 10.0.0.0/8")).ToList();

    private static int CheckPort(string flag, int port) =>
        port is > 0 and <= 65535 ? port : throw new FormatException($"{flag}: {port} is not a port (1-65535)");

    private static string[] Split(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
