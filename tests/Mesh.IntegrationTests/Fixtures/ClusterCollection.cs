namespace Mesh.IntegrationTests.Fixtures;

/// <summary>
/// The cluster tests run one after another: a webhook configuration one of them registers applies cluster-wide, to
/// the namespaces of the others too.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection
{
    public const string Name = "cluster";
}
