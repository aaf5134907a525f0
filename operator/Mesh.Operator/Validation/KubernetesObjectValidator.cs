using k8s;
using k8s.Models;

namespace Mesh.Operator.Validation;

/// <summary>
/// Checks the Kubernetes objects the compiler reads for the null sections a hand-written manifest can have
/// (<c>spec:</c> left empty, <c>ports: [ - ]</c>); the API server never sends these, local manifests can.
/// </summary>
internal static class KubernetesObjectValidator
{
    // What a sound object gets: the compiler records nothing for it, so one empty bag serves them all.
    private static readonly DiagnosticBag Sound = new(new ResourceRef("", "", ""));

    public static DiagnosticBag Validate(V1Service service)
    {
        if (service.Spec is { } spec && spec.Ports?.Contains(null!) != true && LabelSyntax.AllValid(spec.Selector))
        {
            return Sound;
        }

        var bag = new DiagnosticBag(ResourceRef.Of(service));
        if (service.Spec is null)
        {
            bag.Error("spec", "spec is required");
            return bag;
        }

        for (var i = 0; i < (service.Spec.Ports?.Count ?? 0); i++)
        {
            if (service.Spec.Ports![i] is null)
            {
                bag.Error($"spec.ports[{i}]", "a port must not be null");
            }
        }

        LabelSyntax.Check(bag, "spec.selector", service.Spec.Selector);
        return bag;
    }

    public static DiagnosticBag Validate(V1Pod pod)
    {
        if (pod.Spec is { } spec && LabelSyntax.AllValid(pod.Metadata.Labels) && spec.Containers?.Any(c => c is null || c.Ports?.Contains(null!) == true) != true)
        {
            return Sound;
        }

        var bag = new DiagnosticBag(ResourceRef.Of(pod));
        LabelSyntax.Check(bag, "metadata.labels", pod.Metadata.Labels);
        if (pod.Spec is null)
        {
            bag.Error("spec", "spec is required");
        }
        else if (pod.Spec.Containers?.Any(c => c is null || c.Ports?.Contains(null!) == true) == true)
        {
            bag.Error("spec.containers", "a container or container port must not be null");
        }

        return bag;
    }

    public static DiagnosticBag Validate(V1EndpointSlice slice)
    {
        if (slice.Endpoints?.Any(e => e is null || e.Addresses?.Contains(null!) == true) != true && slice.Ports?.Contains(null!) != true)
        {
            return Sound;
        }

        var bag = new DiagnosticBag(ResourceRef.Of(slice));
        if (slice.Endpoints?.Any(e => e is null || e.Addresses?.Contains(null!) == true) == true)
        {
            bag.Error("endpoints", "an endpoint or address must not be null");
        }

        if (slice.Ports?.Contains(null!) == true)
        {
            bag.Error("ports", "a port must not be null");
        }

        return bag;
    }
}
