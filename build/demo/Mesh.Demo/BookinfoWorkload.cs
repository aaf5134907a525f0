using YamlDotNet.RepresentationModel;

namespace Mesh.Demo;

/// <summary>A WorkloadEntry of the bookinfo example: the process the demo runs for it.</summary>
internal sealed record BookinfoWorkload(string Name, string App, string Version, int Port)
{
    /// <summary>Reads the WorkloadEntries (address 127.0.0.1, ports.http) from a manifest file.</summary>
    public static IReadOnlyList<BookinfoWorkload> Read(string file)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(file))
        {
            stream.Load(reader);
        }

        var workloads = new List<BookinfoWorkload>();
        foreach (var document in stream.Documents)
        {
            if (document.RootNode is not YamlMappingNode root || Scalar(root, "kind") != "WorkloadEntry")
            {
                continue;
            }

            var metadata = (YamlMappingNode)root["metadata"];
            var spec = (YamlMappingNode)root["spec"];
            var labels = (YamlMappingNode)spec["labels"];
            var ports = (YamlMappingNode)spec["ports"];
            workloads.Add(new BookinfoWorkload(
                Scalar(metadata, "name")!,
                Scalar(labels, "app")!,
                Scalar(labels, "version") ?? "v1",
                int.Parse(Scalar(ports, "http")!, System.Globalization.CultureInfo.InvariantCulture)));
        }

        return workloads;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;
}
