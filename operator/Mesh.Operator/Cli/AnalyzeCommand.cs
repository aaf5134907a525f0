using Mesh.Operator.Compiler;
using Mesh.Operator.Manifests;

namespace Mesh.Operator.Cli;

/// <summary><c>analyze PATH...</c>: reads and compiles the manifests, prints every problem; exit 1 on any error.</summary>
internal static class AnalyzeCommand
{
    public static int Run(IEnumerable<string> paths, TextWriter output)
    {
        var set = ManifestLoader.LoadPaths(paths);
        var compiled = MeshCompiler.Compile(set.ToSnapshot());
        var lines = ProblemFormatter.FormatAll(set, compiled.Diagnostics);
        foreach (var (line, _) in lines)
        {
            output.WriteLine(line);
        }

        return lines.Any(l => l.IsError) ? 1 : 0;
    }
}
