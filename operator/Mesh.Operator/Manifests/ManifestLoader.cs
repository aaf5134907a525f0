using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Mesh.Kubernetes;
using Mesh.Operator.Validation;
using YamlDotNet.Core;
using KubernetesJson = Mesh.Kubernetes.KubernetesJson;

namespace Mesh.Operator.Manifests;

/// <summary>
/// Reads manifests (files, or directories searched recursively for *.yaml, *.yml and *.json) into typed resources.
/// A document that cannot be read is reported and skipped; the others are still read.
/// </summary>
public static class ManifestLoader
{
    public const string DefaultNamespace = "default";

    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    public static ManifestSet LoadPaths(IEnumerable<string> paths)
    {
        var resources = new List<LoadedResource>();
        var problems = new List<ManifestProblem>();
        foreach (var file in ExpandPaths(paths, problems))
        {
            LoadText(file, File.ReadAllText(file), resources, problems);
        }

        return new ManifestSet(resources, problems);
    }

    public static ManifestSet LoadText(string file, string yaml)
    {
        var resources = new List<LoadedResource>();
        var problems = new List<ManifestProblem>();
        LoadText(file, yaml, resources, problems);
        return new ManifestSet(resources, problems);
    }

    /// <summary>
    /// Reads <paramref name="yaml"/>, the newest text of <paramref name="file"/>, as <see cref="LoadText(string, string)"/>
    /// does, but reads only the documents that <paramref name="documents"/> (what the file's earlier versions were read
    /// into) does not hold at the same line with the same text: the others give the resource objects they gave before.
    /// </summary>
    public static ManifestSet LoadText(string file, string yaml, ManifestDocumentCache documents)
    {
        var cut = ManifestDocuments.Split(yaml);
        if (cut is null)
        {
            documents.Clear();
            return LoadText(file, yaml);
        }

        var resources = new List<LoadedResource>();
        var problems = new List<ManifestProblem>();
        var read = new Dictionary<(int Line, string Text), ManifestDocumentCache.ReadDocument>(cut.Count);
        foreach (var (line, text) in cut)
        {
            if (!documents.TryGet(line, text, out var document))
            {
                var documentResources = new List<LoadedResource>();
                var documentProblems = new List<ManifestProblem>();
                if (!LoadText(file, text, line, documentResources, documentProblems))
                {
                    // A syntax error makes the whole file unreadable; read whole, it is reported as it always is.
                    documents.Clear();
                    return LoadText(file, yaml);
                }

                document = new ManifestDocumentCache.ReadDocument([.. documentResources], [.. documentProblems]);
            }

            read.TryAdd((line, text), document);
            resources.AddRange(document.Resources);
            problems.AddRange(document.Problems);
        }

        documents.Replace(read);
        return new ManifestSet(resources, problems);
    }

    private static IEnumerable<string> ExpandPaths(IEnumerable<string> paths, List<ManifestProblem> problems)
    {
        foreach (var path in paths)
        {
            if (Directory.Exists(path))
            {
                var files = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
                    .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal);
                foreach (var file in files)
                {
                    yield return file;
                }
            }
            else if (File.Exists(path))
            {
                yield return path;
            }
            else
            {
                problems.Add(new ManifestProblem(path, 0, null, "no such file or directory"));
            }
        }
    }

    private static void LoadText(string file, string yaml, List<LoadedResource> resources, List<ManifestProblem> problems) =>
        LoadText(file, yaml, 1, resources, problems);

    /// <returns>False when the text is not valid YAML (reported in <paramref name="problems"/>).</returns>
    private static bool LoadText(string file, string yaml, int firstLine, List<LoadedResource> resources, List<ManifestProblem> problems)
    {
        IReadOnlyList<YamlJsonDocument> documents;
        try
        {
            documents = YamlJsonReader.Read(yaml, firstLine);
        }
        catch (YamlException ex)
        {
            var message = ex.InnerException is YamlException inner ? inner.Message : ex.Message;
            problems.Add(new ManifestProblem(file, (int)ex.Start.Line, null, $"invalid YAML: {message}"));
            return false;
        }

        foreach (var document in documents)
        {
            if (document.Root is null)
            {
                continue;
            }

            var origin = new ManifestOrigin(file, document.Line, document.FieldLines);
            if (document.Root is not JsonObject root)
            {
                problems.Add(new ManifestProblem(file, document.Line, null, "a manifest document must be a mapping"));
                continue;
            }

            try
            {
                LoadObject(root, origin, resources, problems);
            }
            catch (Exception ex) when (ex is not (OutOfMemoryException or InsufficientExecutionStackException))
            {
                // Whatever the model's reader throws on, it is this document's problem, never the whole file's.
                problems.Add(new ManifestProblem(file, document.Line, null, $"the document could not be read ({ex.GetType().Name}: {ex.Message})"));
            }
        }

        return true;
    }

    private static void LoadObject(JsonObject root, ManifestOrigin origin, List<LoadedResource> resources, List<ManifestProblem> problems)
    {
        var apiVersion = StringAt(root, "apiVersion");
        var kind = StringAt(root, "kind");
        if (apiVersion is null || kind is null)
        {
            problems.Add(new ManifestProblem(origin.File, origin.Line, null, "apiVersion and kind are required"));
            return;
        }

        var metadata = root["metadata"] as JsonObject;
        var name = metadata is null ? null : StringAt(metadata, "name");
        var ns = ResourceKinds.IsClusterScoped(kind) ? "" : (metadata is null ? null : StringAt(metadata, "namespace")) ?? DefaultNamespace;
        var reference = new ResourceRef(kind, ns, name ?? "");
        void Report(string path, DiagnosticSeverity severity, string message)
        {
            var diagnostic = new Diagnostic(reference, path, severity, message);
            problems.Add(new ManifestProblem(origin.File, origin.LineOf(path), diagnostic, message));
        }

        var type = ResourceKinds.Find(apiVersion, kind);
        if (type is null)
        {
            Report("", DiagnosticSeverity.Warning, $"{apiVersion} {kind} is not read by the mesh; ignored");
            return;
        }

        if (string.IsNullOrEmpty(name))
        {
            Report("metadata.name", DiagnosticSeverity.Error, "metadata.name is required");
            return;
        }

        IKubernetesObject<V1ObjectMeta> obj;
        try
        {
            obj = (IKubernetesObject<V1ObjectMeta>)(root.Deserialize(type, KubernetesJson.Options) ??
                throw new JsonException("the document is empty"));
        }
        catch (JsonException ex)
        {
            Report(FieldPath.FromJsonPath(ex.Path), DiagnosticSeverity.Error, FirstSentence(ex.Message));
            return;
        }

        if (!ResourceKinds.IsClusterScoped(kind))
        {
            obj.Metadata.NamespaceProperty ??= DefaultNamespace;
        }

        var unknown = new List<string>();
        UnknownFields.Find(root, JsonSerializer.SerializeToNode(obj, type, KubernetesJson.Options), "", unknown);
        foreach (var path in unknown)
        {
            Report(path, DiagnosticSeverity.Warning, "unknown field; ignored");
        }

        resources.Add(new LoadedResource(reference, obj, origin));
    }

    private static string? StringAt(JsonObject obj, string key) =>
        obj[key] is JsonValue value && value.TryGetValue<string>(out var s) ? s : null;

    // System.Text.Json appends the path and position to its messages; the path is reported on its own.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }
}
