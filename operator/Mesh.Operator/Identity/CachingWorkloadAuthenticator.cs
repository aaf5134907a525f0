using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Mesh.Operator.Identity;

/// <summary>
/// Remembers what a token-checking authenticator (TokenReview) answered, keyed by the SHA-256 of the token so the
/// cache never holds a credential. Accepted tokens are trusted for <see cref="TokenReviewCacheOptions.AcceptedFor"/>
/// and never past their expiry; rejected ones for <see cref="TokenReviewCacheOptions.RejectedFor"/>. A review that
/// could not be made (the API server did not answer) is not remembered.
/// </summary>
internal sealed class CachingWorkloadAuthenticator(IWorkloadAuthenticator inner, TimeProvider time, IOptions<TokenReviewCacheOptions> options)
    : IWorkloadAuthenticator
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly TokenReviewCacheOptions _options = options.Value;

    public int Count => _entries.Count;

    /// <summary>The cache's keys (hashes), for tests that check no token is kept.</summary>
    internal IEnumerable<string> Keys => _entries.Keys;

    public async Task<WorkloadIdentity> AuthenticateAsync(Metadata headers, CancellationToken cancellationToken)
    {
        var token = BearerToken.From(headers);
        var key = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(key, out var cached))
        {
            if (cached.ExpiresAt > now)
            {
                return cached.Identity ?? throw new WorkloadAuthenticationException(cached.Rejection!);
            }

            _entries.TryRemove(new KeyValuePair<string, Entry>(key, cached));
        }

        WorkloadIdentity identity;
        try
        {
            identity = await inner.AuthenticateAsync(headers, cancellationToken);
        }
        catch (WorkloadAuthenticationException ex)
        {
            Remember(key, new Entry(null, ex.Message, now + _options.RejectedFor), now);
            throw;
        }

        var until = now + _options.AcceptedFor;
        if (JwtExpiry.Read(token) is { } expiry && expiry < until)
        {
            until = expiry;
        }

        Remember(key, new Entry(identity, null, until), now);
        return identity;
    }

    private void Remember(string key, Entry entry, DateTimeOffset now)
    {
        if (entry.ExpiresAt <= now)
        {
            return;
        }

        if (_entries.Count >= _options.MaxEntries)
        {
            foreach (var (staleKey, stale) in _entries)
            {
                if (stale.ExpiresAt <= now)
                {
                    _entries.TryRemove(new KeyValuePair<string, Entry>(staleKey, stale));
                }
            }

            if (_entries.Count >= _options.MaxEntries)
            {
                return;
            }
        }

        _entries[key] = entry;
    }

    private sealed record Entry(WorkloadIdentity? Identity, string? Rejection, DateTimeOffset ExpiresAt);
}
