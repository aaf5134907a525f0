using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace Mesh.Operator.Ui;

/// <summary>
/// The dashboard's files, embedded in the operator's assembly (EmbeddedResource <c>ui/...</c>, from Ui/wwwroot): read
/// once, with their content type and an ETag, so serving one is a dictionary lookup and nothing is fetched at runtime.
/// </summary>
internal sealed class UiAssets
{
    private const string Prefix = "ui/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly FrozenDictionary<string, UiAsset> _assets;

    public UiAssets()
        : this(typeof(UiAssets).Assembly)
    {
    }

    internal UiAssets(Assembly assembly)
    {
        var assets = new Dictionary<string, UiAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            if (!ContentTypes.TryGetValue(Path.GetExtension(name), out var contentType))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12))}\"";
            assets[name[Prefix.Length..]] = new UiAsset(bytes, contentType, etag);
        }

        _assets = assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>The file at <paramref name="path"/> (relative to <c>/ui/</c>; empty means index.html).</summary>
    public UiAsset? Find(string path) => _assets.GetValueOrDefault(path.Length == 0 ? "index.html" : path);
}

internal sealed record UiAsset(byte[] Content, string ContentType, string ETag);
