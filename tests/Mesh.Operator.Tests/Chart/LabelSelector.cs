using System.Text.Json.Nodes;

namespace Mesh.Operator.Tests.Chart;

/// <summary>
/// Kubernetes' label-selector semantics (metav1.LabelSelector): matchLabels and matchExpressions are ANDed; NotIn and
/// DoesNotExist match a missing key; an absent or empty selector matches everything.
/// </summary>
internal static class LabelSelector
{
    public static bool Matches(JsonNode? selector, IReadOnlyDictionary<string, string> labels)
    {
        if (selector is null)
        {
            return true;
        }

        var matchLabels = selector["matchLabels"]?.AsObject() ?? [];
        if (matchLabels.Any(pair => !labels.TryGetValue(pair.Key, out var value) || value != (string?)pair.Value))
        {
            return false;
        }

        return (selector["matchExpressions"]?.AsArray() ?? []).All(expression =>
        {
            var key = (string)expression!["key"]!;
            var values = expression["values"]?.AsArray().Select(v => (string?)v).ToList() ?? [];
            var present = labels.TryGetValue(key, out var value);
            return (string?)expression["operator"] switch
            {
                "In" => present && values.Contains(value),
                "NotIn" => !present || !values.Contains(value),
                "Exists" => present,
                "DoesNotExist" => !present,
                var other => throw new InvalidOperationException($"not a label-selector operator: {other}"),
            };
        });
    }
}
