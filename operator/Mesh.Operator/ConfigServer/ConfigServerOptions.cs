namespace Mesh.Operator.ConfigServer;

/// <summary>Options of the config stream server.</summary>
public sealed class ConfigServerOptions
{
    /// <summary>
    /// How many responses may wait for one proxy before it counts as too slow and is disconnected (it reconnects
    /// and gets a fresh snapshot). Default 8: each response is a whole config, so more would only hold stale ones.
    /// </summary>
    public int SendQueueCapacity { get; set; } = 8;
}
