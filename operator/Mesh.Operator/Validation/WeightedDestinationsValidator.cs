using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>Checks a route's weighted destinations, the same for HTTP, TCP and TLS routes.</summary>
internal static class WeightedDestinationsValidator
{
    /// <summary>
    /// Each destination non-null with a valid destination and a non-negative weight, and not all weights zero when
    /// there are several. <paramref name="checkEach"/> adds what one kind of route checks beyond that.
    /// </summary>
    public static void Validate<T>(DiagnosticBag bag, IReadOnlyList<T?> route, string path, string ns, Action<T, string>? checkEach = null)
        where T : class, IWeightedDestination
    {
        var sum = 0L;
        for (var j = 0; j < route.Count; j++)
        {
            var destPath = $"{path}.route[{j}]";
            if (route[j] is not { } destination)
            {
                bag.Error(destPath, "a route destination must not be null");
                continue;
            }

            // Weights are relative (Istio accepts any non-negative weights, not only those summing to 100).
            if (destination.Weight is < 0)
            {
                bag.Error(destPath + ".weight", $"a weight must not be negative, got {destination.Weight}");
            }

            sum += Math.Max(destination.Weight ?? 0, 0);
            checkEach?.Invoke(destination, destPath);
            DestinationValidator.Validate(bag, destination.Destination, destPath + ".destination", ns);
        }

        if (route.Count > 1 && sum == 0)
        {
            bag.Error(path + ".route", "the weights of the destinations are all zero (or missing): no destination would get traffic");
        }
    }
}
