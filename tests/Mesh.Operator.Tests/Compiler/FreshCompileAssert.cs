using Google.Protobuf;
using Mesh.Operator.Compiler;

namespace Mesh.Operator.Tests.Compiler;

/// <summary>Checks that a compile which took over an earlier one's work gives each proxy what a fresh compile gives.</summary>
internal static class FreshCompileAssert
{
    /// <param name="nodes">Each node as namespace and labels (<c>app=a,version=v1</c>).</param>
    public static void SameConfigs(CompiledMesh fresh, CompiledMesh reused, IEnumerable<string[]> nodes, string context)
    {
        foreach (var node in nodes.Select(n => MeshFixture.Node(n[0], n[1])))
        {
            var expected = fresh.ConfigFor(node);
            var actual = reused.ConfigFor(node);
            Assert.True(expected.Version == actual.Version, $"version differs: {context}, node {node.Namespace}/{node.Labels}");
            Assert.True(expected.ToProxyConfig().ToByteArray().AsSpan().SequenceEqual(actual.ToProxyConfig().ToByteArray()), $"config differs: {context}, node {node.Namespace}/{node.Labels}");
        }
    }
}
