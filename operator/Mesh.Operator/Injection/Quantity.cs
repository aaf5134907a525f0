using System.Text.RegularExpressions;

namespace Mesh.Operator.Injection;

/// <summary>Kubernetes resource quantity syntax (<c>100m</c>, <c>0.5</c>, <c>128Mi</c>, <c>1e3</c>), checked before it reaches a pod spec.</summary>
internal static partial class Quantity
{
    public static bool IsValid(string? value) => value is not null && Syntax().IsMatch(value);

    [GeneratedRegex(@"^[+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Syntax();
}
