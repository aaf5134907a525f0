using Mesh.Operator.Resources;

namespace Mesh.Operator.Validation;

/// <summary>
/// Checks <c>directResponse</c> as Istio does: a status in 200-599 and a body of one kind, at most 1 MB, with a warning
/// above 100 KB (a body travels in every proxy's config).
/// </summary>
internal static class DirectResponseValidator
{
    public const int MaxBodyBytes = 1024 * 1024;

    public const int LargeBodyBytes = 100 * 1024;

    public static void Validate(DiagnosticBag bag, HttpDirectResponse direct, string path)
    {
        if (direct.Status is not { } status)
        {
            bag.Error(path + ".status", "status is required");
        }
        else if (status is < 200 or > 599)
        {
            bag.Error(path + ".status", $"HTTP status {status} is not in range 200-599");
        }

        if (direct.Body is not { } body)
        {
            return;
        }

        if (body.String is not null && body.Bytes is not null)
        {
            bag.Error(path + ".body", "exactly one of string or bytes is allowed");
        }
        else if (body.String is null && body.Bytes is null)
        {
            bag.Error(path + ".body", "a body needs string or bytes");
        }

        var size = System.Text.Encoding.UTF8.GetByteCount(body.String ?? "");
        if (body.Bytes is { } bytes)
        {
            var decoded = new byte[bytes.Length];
            if (!Convert.TryFromBase64String(bytes, decoded, out size))
            {
                bag.Error(path + ".body.bytes", "bytes must be base64");
            }
        }

        if (size > MaxBodyBytes)
        {
            bag.Error(path + ".body", $"the body is {size} bytes; at most {MaxBodyBytes} are allowed");
        }
        else if (size > LargeBodyBytes)
        {
            bag.Warning(path + ".body", $"the body is {size} bytes, more than {LargeBodyBytes}: it is sent in the config of every proxy the rule reaches");
        }
    }
}
