namespace Mesh.Operator.WebhookTls;

/// <summary>Where the webhook's serving certificate comes from.</summary>
public enum WebhookTlsMode
{
    /// <summary>PEM files (cert-manager, or made by hand), reloaded when they change.</summary>
    Files,

    /// <summary>Kube mode without files: a CA and serving certificate the operator keeps in a Secret.</summary>
    SelfManaged,

    /// <summary>Local mode without files: a self-signed certificate in memory.</summary>
    Ephemeral,
}
