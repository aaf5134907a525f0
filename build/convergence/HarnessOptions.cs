using System.Globalization;

namespace Mesh.Convergence;

/// <summary>Command line of the harness; every flag has a default so that a bare run measures the first goal.</summary>
internal sealed record HarnessOptions(int Services, int Proxies, int Namespaces, int Connections, int Rounds, int StreamWindowKiB, string Operator, bool KeepManifests, bool Full = false, int ReportEdges = 0)
{
    public const string Usage = """
        usage: Mesh.Convergence [--proxies 1000] [--services PROXIES/2] [--namespaces SERVICES/10] [--connections PROXIES/100]
                                [--rounds 3] [--stream-window-kib 64] [--operator PATH-TO-mesh-operator] [--keep]
                                [--full] (the proxies do not ask for deltas: every response is a whole config)
                                [--report-edges 0] (each proxy also sends a synthetic traffic report naming this many
                                                    destinations every 5 s; the operator's traffic store is measured)
        """;

    public static HarnessOptions Parse(string[] args, string repositoryRoot)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var keep = false;
        var full = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--keep")
            {
                keep = true;
            }
            else if (args[i] == "--full")
            {
                full = true;
            }
            else if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                values[args[i][2..]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"unexpected argument '{args[i]}'");
            }
        }

        var unknown = values.Keys.Except(["proxies", "services", "namespaces", "connections", "rounds", "stream-window-kib", "operator", "report-edges"]).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"unknown flag --{unknown[0]}");
        }

        var proxies = Int(values, "proxies", 1000);
        var services = Int(values, "services", Math.Max(1, proxies / 2));
        var namespaces = Int(values, "namespaces", Math.Max(1, services / 10));
        var connections = Int(values, "connections", Math.Max(1, (proxies + 99) / 100));
        var rounds = Int(values, "rounds", 3);

        // The client's initial HTTP/2 stream window, what a proxy's own GrpcChannel uses by default (SocketsHttpHandler's).
        var window = Int(values, "stream-window-kib", 64);
        var executable = values.GetValueOrDefault("operator")
            ?? Path.Combine(repositoryRoot, "operator", "Mesh.Operator", "bin", "Release", "net10.0", "mesh-operator");
        return new HarnessOptions(services, proxies, namespaces, connections, rounds, window, executable, keep, full, Int(values, "report-edges", 0));
    }

    private static int Int(Dictionary<string, string> values, string name, int fallback)
    {
        if (!values.TryGetValue(name, out var text))
        {
            return fallback;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value < 1)
        {
            throw new ArgumentException($"--{name} must be a positive integer, not '{text}'");
        }

        return value;
    }
}
