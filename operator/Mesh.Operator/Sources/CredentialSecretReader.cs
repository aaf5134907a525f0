using System.Collections.Immutable;
using k8s;
using k8s.Models;
using Mesh.Kubernetes;
using Mesh.Kubernetes.Client;
using Mesh.Operator.Compiler;
using Mesh.Operator.Resources;
using Mesh.Operator.Validation;
using Microsoft.Extensions.Logging;
using KubernetesException = Mesh.Kubernetes.Client.KubernetesException;

namespace Mesh.Operator.Sources;

/// <summary>
/// Kube mode's Secrets for tls.credentialName: only those that workload-selected DestinationRules name (NAME and its
/// NAME-cacert companion, in the rule's namespace), each read by name with a GET, and read again every poll interval
/// so that a rotation is seen. The operator never lists or watches Secrets: it needs only <c>get</c>, and holds no key
/// material nobody asked it to deliver. A newly named Secret is read at once (<see cref="Wake"/>).
/// </summary>
internal sealed partial class CredentialSecretReader(IKubernetesClient client, TimeProvider time, TimeSpan interval, ILogger logger)
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private ImmutableDictionary<(string Namespace, string Name), V1Secret?> _read = ImmutableDictionary<(string, string), V1Secret?>.Empty;

    /// <summary>The Secrets read so far that exist.</summary>
    public ImmutableArray<V1Secret> Current { get; private set; } = [];

    /// <summary>The Secrets the rules name: for each SIMPLE or MUTUAL tls section with a credentialName, NAME and NAME-cacert.</summary>
    public static IEnumerable<(string Namespace, string Name)> Referenced(IEnumerable<DestinationRule> rules) =>
        rules.Where(r => r.Spec?.WorkloadSelector is not null)
            .SelectMany(r => WorkloadSelectorRules.TlsSections(r.Spec)
                .Where(s => s.Tls.Mode is "SIMPLE" or "MUTUAL" && !string.IsNullOrEmpty(s.Tls.CredentialName))
                .SelectMany(s => new[] { s.Tls.CredentialName!, s.Tls.CredentialName + SecretCredentials.CaSuffix })
                .Select(name => (r.Metadata.NamespaceProperty ?? "default", name)))
            .Distinct();

    /// <summary>Reads a newly named Secret now rather than at the next poll.</summary>
    public void Wake()
    {
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    /// <summary>Reads every named Secret once: the first snapshot then has them.</summary>
    public Task<bool> RefreshAsync(IEnumerable<DestinationRule> rules, CancellationToken cancellationToken) =>
        RefreshAsync(rules, all: true, cancellationToken);

    /// <summary>Polls until cancelled; <paramref name="changed"/> runs when a Secret appeared, changed or went away.</summary>
    public async Task RunAsync(Func<IEnumerable<DestinationRule>> rules, Action changed, CancellationToken cancellationToken)
    {
        var next = time.GetUtcNow() + interval;
        while (!cancellationToken.IsCancellationRequested)
        {
            using (var timeout = new CancellationTokenSource(interval, time))
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
            {
                try
                {
                    await _wake.WaitAsync(linked.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                }
            }

            var all = time.GetUtcNow() >= next;
            if (all)
            {
                next = time.GetUtcNow() + interval;
            }

            try
            {
                if (await RefreshAsync(rules(), all, cancellationToken))
                {
                    changed();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (!CompileFailure.IsFatal(ex))
            {
                // A timeout or a malformed answer: the next round reads again; the Secrets read so far stay.
                LogRoundFailed(ex.Message);
            }
        }
    }

    // all: read every named Secret again; otherwise only those not read yet (a rule just started naming them).
    private async Task<bool> RefreshAsync(IEnumerable<DestinationRule> rules, bool all, CancellationToken cancellationToken)
    {
        var wanted = Referenced(rules).ToHashSet();
        var read = _read.RemoveRange(_read.Keys.Where(k => !wanted.Contains(k)));
        foreach (var key in wanted.Where(k => all || !read.ContainsKey(k)))
        {
            read = read.SetItem(key, await GetAsync(key, cancellationToken));
        }

        if (Same(_read, read))
        {
            return false;
        }

        _read = read;
        Current = [.. read.Values.OfType<V1Secret>().OrderBy(s => s.Metadata.NamespaceProperty, StringComparer.Ordinal).ThenBy(s => s.Metadata.Name, StringComparer.Ordinal)];
        return true;
    }

    private async Task<V1Secret?> GetAsync((string Namespace, string Name) key, CancellationToken cancellationToken)
    {
        try
        {
            return await client.CallAsync(api => api.CoreV1.ReadNamespacedSecretAsync(key.Name, key.Namespace, cancellationToken: cancellationToken));
        }
        catch (KubernetesException ex) when (ex.IsNotFound)
        {
            return null;
        }
        catch (Exception ex) when (ex is KubernetesException or HttpRequestException)
        {
            // Forbidden (the chart grants get on Secrets only in the namespaces its values name) or unreachable: the
            // rule's status says the Secret cannot be read; the proxies keep the material they have.
            LogUnreadable(key.Namespace, key.Name, ex.Message);
            return _read.GetValueOrDefault(key);
        }
    }

    private static bool Same(ImmutableDictionary<(string, string), V1Secret?> left, ImmutableDictionary<(string, string), V1Secret?> right) =>
        left.Count == right.Count && left.All(p => right.TryGetValue(p.Key, out var other) && other?.Metadata.ResourceVersion == p.Value?.Metadata.ResourceVersion && (other is null) == (p.Value is null));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the Secrets named by tls.credentialName failed this round: {Reason}")]
    private partial void LogRoundFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Secret {Namespace}/{Name} named by a DestinationRule's tls.credentialName cannot be read: {Reason}")]
    private partial void LogUnreadable(string @namespace, string name, string reason);
}
