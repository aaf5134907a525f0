namespace Mesh.Operator.Validation;

/// <summary>
/// A diagnostic's field path, joined only when a diagnostic is reported: every compile checks every field of every
/// resource, almost all of them fine, and joining each checked field's path made most of the compiler's garbage.
/// </summary>
internal readonly record struct DeferredPath(string Prefix, string Suffix)
{
    public static implicit operator DeferredPath(string path) => new(path, "");

    public override string ToString() => Prefix + Suffix;
}
