using Google.Protobuf;
using Mesh.Api.V1;

namespace Mesh.Operator.Ui;

/// <summary>
/// What separates the config a proxy serves (the last one it acknowledged) from the one it should serve now, by
/// resource: virtual hosts and clusters by name, the inbound config and the mesh-wide fields as one each.
/// </summary>
internal static class ConfigDiff
{
    public static IReadOnlyList<ResourceChange> Between(ProxyConfig? served, ProxyConfig expected)
    {
        served ??= new ProxyConfig();
        var changes = new List<ResourceChange>();
        Compare(changes, "virtualHost", served.VirtualHosts.ToDictionary(v => v.Name), expected.VirtualHosts.ToDictionary(v => v.Name));
        Compare(changes, "cluster", served.Clusters.ToDictionary(c => c.Name), expected.Clusters.ToDictionary(c => c.Name));
        if (!Equals(served.Inbound, expected.Inbound))
        {
            changes.Add(new ResourceChange("inbound", "inbound", served.Inbound is null ? "added" : expected.Inbound is null ? "removed" : "changed"));
        }

        if (served.OutboundTrafficPolicy != expected.OutboundTrafficPolicy || served.TrustDomain != expected.TrustDomain)
        {
            changes.Add(new ResourceChange("mesh", "outboundTrafficPolicy, trustDomain", "changed"));
        }

        return changes;
    }

    private static void Compare<T>(List<ResourceChange> changes, string kind, Dictionary<string, T> served, Dictionary<string, T> expected)
        where T : IMessage<T>
    {
        foreach (var (name, resource) in expected.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (!served.TryGetValue(name, out var was))
            {
                changes.Add(new ResourceChange(kind, name, "added"));
            }
            else if (!was.Equals(resource))
            {
                changes.Add(new ResourceChange(kind, name, "changed"));
            }
        }

        foreach (var name in served.Keys.Where(n => !expected.ContainsKey(n)).Order(StringComparer.Ordinal))
        {
            changes.Add(new ResourceChange(kind, name, "removed"));
        }
    }
}

/// <summary>A resource the expected config adds, removes or changes relative to the served one.</summary>
internal sealed record ResourceChange(string Kind, string Name, string Change);
