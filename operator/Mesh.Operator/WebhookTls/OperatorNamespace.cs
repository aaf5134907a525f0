namespace Mesh.Operator.WebhookTls;

/// <summary>The namespace the operator runs in, for the resources it owns there (the webhook's Secret).</summary>
public static class OperatorNamespace
{
    /// <summary>Where the service account's namespace is mounted in every pod.</summary>
    public const string ServiceAccountFile = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";

    /// <summary>Used outside a pod when nothing else says: the chart's namespace.</summary>
    public const string Fallback = "mesh-system";

    /// <summary>
    /// The flag when given, else <c>POD_NAMESPACE</c> (the chart sets it from the downward API), else the service
    /// account's namespace file, else <see cref="Fallback"/>.
    /// </summary>
    public static string Resolve(string? flag, Func<string, string?>? environment = null, string serviceAccountFile = ServiceAccountFile)
    {
        if (!string.IsNullOrWhiteSpace(flag))
        {
            return flag;
        }

        if ((environment ?? Environment.GetEnvironmentVariable)("POD_NAMESPACE") is { } fromEnvironment && !string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment.Trim();
        }

        try
        {
            if (File.Exists(serviceAccountFile) && File.ReadAllText(serviceAccountFile).Trim() is { Length: > 0 } fromFile)
            {
                return fromFile;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // An unreadable mount is the same as none: fall back.
        }

        return Fallback;
    }
}
