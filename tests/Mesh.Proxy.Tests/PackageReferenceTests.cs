using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Xml.Linq;
using Mesh.Testing;

namespace Mesh.Proxy.Tests;

/// <summary>
/// Every package Mesh.Proxy.csproj references is used by the proxy's code: the compiler records a reference to an
/// assembly only when code uses it, so a package whose assembly the built mesh-proxy.dll does not reference only adds
/// to the image and to what must be kept patched.
/// </summary>
public sealed class PackageReferenceTests
{
    // Packages whose assembly is named otherwise.
    private static readonly Dictionary<string, string> AssemblyNames = new(StringComparer.Ordinal) { ["prometheus-net"] = "Prometheus.NetStandard" };

    [Fact]
    public void Every_package_the_proxy_references_is_used_by_its_code()
    {
        var project = XDocument.Load(RepositoryPaths.Combine("proxy", "Mesh.Proxy", "Mesh.Proxy.csproj"));
        var packages = project.Descendants("PackageReference").Select(p => (string)p.Attribute("Include")!).ToList();
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "mesh-proxy.dll"));
        using var pe = new PEReader(stream);
        var metadata = pe.GetMetadataReader();
        var referenced = metadata.AssemblyReferences.Select(r => metadata.GetString(metadata.GetAssemblyReference(r).Name)).ToHashSet(StringComparer.Ordinal);

        var unused = packages.Where(p => !referenced.Contains(AssemblyNames.GetValueOrDefault(p, p))).ToList();

        Assert.NotEmpty(packages);
        Assert.True(unused.Count == 0, "referenced by Mesh.Proxy.csproj but used by no code: " + string.Join(", ", unused));
    }
}
