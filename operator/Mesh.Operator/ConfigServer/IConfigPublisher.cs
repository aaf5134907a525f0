namespace Mesh.Operator.ConfigServer;

/// <summary>Where the reconciler hands each newly compiled state of the mesh.</summary>
public interface IConfigPublisher
{
    /// <summary>The last published snapshot, or null before the sources have synced.</summary>
    MeshConfigSnapshot? Current { get; }

    /// <summary>Makes <paramref name="snapshot"/> current and pushes it to every proxy whose config changed.</summary>
    void Publish(MeshConfigSnapshot snapshot);
}
