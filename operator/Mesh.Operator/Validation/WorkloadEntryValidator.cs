using Mesh.Operator.Manifests;
using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>Checks a WorkloadEntry: an address and valid port numbers.</summary>
internal static class WorkloadEntryValidator
{
    public static DiagnosticBag Validate(WorkloadEntry entry)
    {
        var bag = new DiagnosticBag(ResourceRef.Of(entry));
        if (entry.Spec is null)
        {
            bag.Error("spec", "spec is required");
            return bag;
        }

        LabelSyntax.Check(bag, "spec.labels", entry.Spec.Labels);
        if (string.IsNullOrWhiteSpace(entry.Spec.Address))
        {
            bag.Error("spec.address", "address is required");
        }

        foreach (var (name, port) in entry.Spec.Ports ?? [])
        {
            ValidationContext.CheckRange(bag, FieldPath.Property("spec.ports", name), port, 1, 65535);
        }

        ValidationContext.CheckRange(bag, "spec.weight", entry.Spec.Weight, 0, int.MaxValue);
        return bag;
    }
}
