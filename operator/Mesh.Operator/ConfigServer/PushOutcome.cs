namespace Mesh.Operator.ConfigServer;

/// <summary>What offering a config to one connection did.</summary>
internal enum PushOutcome
{
    /// <summary>Queued for sending: the proxy's config changed.</summary>
    Queued,

    /// <summary>Nothing to send: the proxy already has (or is about to get) this version, or a newer generation.</summary>
    Unchanged,

    /// <summary>The send queue was full: the connection was aborted.</summary>
    Overflowed,
}
