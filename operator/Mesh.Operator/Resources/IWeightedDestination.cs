namespace Mesh.Operator.Resources;

/// <summary>A destination with a relative weight: what HTTP, TCP and TLS routes split traffic over.</summary>
public interface IWeightedDestination
{
    Destination? Destination { get; }

    int? Weight { get; }
}
