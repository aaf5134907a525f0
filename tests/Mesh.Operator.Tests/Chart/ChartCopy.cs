namespace Mesh.Operator.Tests.Chart;

/// <summary>A throwaway copy of charts/mesh to break on purpose.</summary>
internal sealed class ChartCopy : IDisposable
{
    private readonly DirectoryInfo _parent;

    private ChartCopy(DirectoryInfo parent) => _parent = parent;

    public string Root => Path.Combine(_parent.FullName, "mesh");

    public static ChartCopy Create()
    {
        var copy = new ChartCopy(Directory.CreateTempSubdirectory("mesh-chart-copy-"));
        foreach (var file in Directory.GetFiles(ChartFiles.Root, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy.Root, Path.GetRelativePath(ChartFiles.Root, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }

        return copy;
    }

    /// <summary>Replaces text that must occur exactly once in the copied <paramref name="file"/>.</summary>
    public void Edit(string file, string from, string to)
    {
        var path = Path.Combine(Root, file);
        var text = File.ReadAllText(path);
        var at = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0 && text.IndexOf(from, at + 1, StringComparison.Ordinal) < 0, $"{file} must contain \"{from}\" once");
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    public void Dispose() => _parent.Delete(recursive: true);
}
