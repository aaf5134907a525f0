namespace Mesh.Proxy.Runtime;

/// <summary>
/// The snapshot being served. A request reads <see cref="Current"/> once and uses that snapshot to the end, so a
/// swap in the middle never shows it half of one config and half of another.
/// </summary>
internal sealed class SnapshotHolder
{
    private ProxySnapshot? _current;

    public ProxySnapshot? Current => Volatile.Read(ref _current);

    public void Swap(ProxySnapshot next) => Volatile.Write(ref _current, next);
}
