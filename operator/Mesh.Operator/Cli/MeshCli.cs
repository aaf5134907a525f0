using System.CommandLine;

namespace Mesh.Operator.Cli;

/// <summary>
/// The <c>mesh-operator</c> command line: <c>run</c> (the default), <c>analyze PATH...</c> and
/// <c>compile PATH... --proxy NAMESPACE/NAME</c>.
/// </summary>
public static class MeshCli
{
    public const int NotImplementedExitCode = 2;

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

        var run = new Command("run", "Run the control plane (not implemented yet).");
        run.TreatUnmatchedTokensAsErrors = false;
        run.SetAction(_ => NotImplemented(error));

        var root = new RootCommand("Mesh control plane: compiles mesh resources into proxy configs.") { analyze, compile, run };
        root.SetAction(_ => NotImplemented(error));
        return root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
    }

    private static Argument<string[]> PathsArgument() => new("paths")
    {
        Description = "Manifest files or directories (searched recursively for *.yaml, *.yml, *.json).",
        Arity = ArgumentArity.OneOrMore,
    };

    private static int NotImplemented(TextWriter error)
    {
        error.WriteLine("mesh-operator run: not implemented yet");
        return NotImplementedExitCode;
    }
}
