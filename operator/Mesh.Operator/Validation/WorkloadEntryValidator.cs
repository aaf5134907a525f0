using System.Net;
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

        else if (!IPAddress.TryParse(entry.Spec.Address, out _) && !entry.Spec.Address.StartsWith("unix://", StringComparison.Ordinal) &&
            (entry.Spec.Address.Contains('*', StringComparison.Ordinal) || DnsNames.CheckWildcardDomain(entry.Spec.Address) is not null))
        {
            bag.Error("spec.address", $"'{entry.Spec.Address}' is not an IP address or a host name");
        }

        foreach (var (name, port) in entry.Spec.Ports ?? [])
        {
            if (!DnsNames.IsLabel(name))
            {
                bag.Error(FieldPath.Property("spec.ports", name), $"invalid port name '{name}': letters, digits and '-', at most 63");
            }

            ValidationContext.CheckRange(bag, FieldPath.Property("spec.ports", name), port, 1, 65535);
        }

        ValidationContext.CheckRange(bag, "spec.weight", entry.Spec.Weight, 0, int.MaxValue);
        return bag;
    }
}
