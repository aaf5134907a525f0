using System.CommandLine;

namespace Mesh.Operator.Cli;

/// <summary>
/// The <c>mesh-operator</c> command line: <c>run</c> (the default), <c>analyze PATH...</c> and
/// <c>compile PATH... --proxy NAMESPACE/NAME</c>.
/// </summary>
public static class MeshCli
{
    /// <summary>Exit code for a command line that cannot be acted on.</summary>
    public const int UsageExitCode = 2;

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var analyzePaths = PathsArgument();
        var analyze = new Command("analyze", "Validate manifests offline; exit 1 when any has an error.") { analyzePaths };
        analyze.SetAction(result => AnalyzeCommand.Run(result.GetRequiredValue(analyzePaths), output));

        var compilePaths = PathsArgument();
        var proxy = new Option<string>("--proxy")
        {
            Description = "NAMESPACE/NAME of the WorkloadEntry or Pod whose proxy config to print.",
            Required = true,
        };
        var compile = new Command("compile", "Print the config the given workload's proxy would get, as JSON.") { compilePaths, proxy };
        compile.SetAction(result => CompileCommand.Run(result.GetRequiredValue(compilePaths), result.GetRequiredValue(proxy), output, error));

        var run = RunCommand.Create(error);
        var root = new RootCommand("Mesh control plane: compiles mesh resources into proxy configs and streams them to proxies.") { analyze, compile, run };

        // `run` is the default subcommand: `mesh-operator --source dir:PATH` runs the control plane.
        var parse = root.Parse(args);
        if (parse.CommandResult.Command == root && args.Length > 0 && !args.Any(a => a is "-h" or "--help" or "-?" or "--version"))
        {
            parse = root.Parse(["run", .. args]);
        }
        else if (args.Length == 0)
        {
            parse = root.Parse(["run"]);
        }

        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    private static Argument<string[]> PathsArgument() => new("paths")
    {
        Description = "Manifest files or directories (searched recursively for *.yaml, *.yml, *.json).",
        Arity = ArgumentArity.OneOrMore,
    };
}
