using System.Text;

namespace Mesh.Kubernetes.Client;

/// <summary>A URL query string; parameters without a value are left out.</summary>
internal sealed class QueryBuilder
{
    private readonly StringBuilder _query = new();

    public void Add(string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        _query.Append(_query.Length == 0 ? '?' : '&').Append(name).Append('=').Append(Uri.EscapeDataString(value));
    }

    public override string ToString() => _query.ToString();
}
