using System.CommandLine;
using System.CommandLine.Parsing;
using Mesh.Proxy.Capture;
using Mesh.Proxy.Hosting;
using Mesh.Proxy.Runtime;

namespace Mesh.Proxy.Cli;

/// <summary>The <c>mesh-proxy</c> command line: <c>run</c> (the default) with flags that fall back to <c>MESH_*</c> variables.</summary>
internal static class ProxyCommandLine
{
    public static Task<int> InvokeAsync(string[] args) => Build().Parse(args).InvokeAsync();

    public static RootCommand Build()
    {
        var flags = new ProxyFlags();
        var run = new Command("run", "Run the sidecar proxy (the default command).");
        flags.AddTo(run);
        run.SetAction((result, ct) => RunAsync(flags.Bind(result), ct));

        var root = new RootCommand("mesh-proxy: the Mesh sidecar proxy.");
        flags.AddTo(root);
        root.SetAction((result, ct) => RunAsync(flags.Bind(result), ct));
        root.Subcommands.Add(run);
        root.Subcommands.Add(InitIptablesCommand.Create());
        return root;
    }

    private static async Task<int> RunAsync(ProxyOptions options, CancellationToken cancellationToken)
    {
        // Before the host exists: the socket engine reads the variable when the first socket is registered.
        InlineSocketCompletions.Apply(options.InlineIo);
        await using var app = ProxyHostBuilder.Build(options);
        await app.RunAsync(cancellationToken);
        return 0;
    }

    /// <summary>Parses <c>k=v,k=v</c>; an entry without '=' is an error.</summary>
    internal static Dictionary<string, string> ParseLabels(string? text, out string? error)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return labels;
        }

        foreach (var entry in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = entry.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                error = $"label '{entry}' is not of the form key=value";
                return labels;
            }

            labels[entry[..eq]] = entry[(eq + 1)..];
        }

        return labels;
    }

    internal static TimeSpan? ParseDuration(string text)
    {
        text = text.Trim();
        double factor = text.EndsWith("ms", StringComparison.Ordinal) ? 0.001
            : text.EndsWith('s') ? 1 : text.EndsWith('m') ? 60 : text.EndsWith('h') ? 3600 : -1;
        var number = factor switch
        {
            0.001 => text[..^2],
            -1 => text,
            _ => text[..^1],
        };
        if (factor < 0)
        {
            factor = 1;
        }

        return double.TryParse(number, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= 0
            ? TimeSpan.FromSeconds(value * factor)
            : null;
    }
}
