using System.Net.Http.Headers;
using k8s.Authentication;

namespace Mesh.Kubernetes.Config;

/// <summary>
/// A bearer token read from a file and read again after <c>refresh</c>, so a projected service-account token
/// that the kubelet rotates keeps working. Like the library's <c>TokenFileAuth</c>, but on a
/// <see cref="TimeProvider"/> so that rotation is testable.
/// </summary>
internal sealed class RotatingTokenFile(string path, TimeProvider timeProvider, TimeSpan refresh) : ITokenProvider
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private AuthenticationHeaderValue? _header;
    private DateTimeOffset _readAt;

    public async Task<AuthenticationHeaderValue> GetAuthenticationHeaderAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (_header is { } cached && now - _readAt < refresh)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_header is null || now - _readAt >= refresh)
            {
                var token = (await File.ReadAllTextAsync(path, cancellationToken)).Trim();
                _header = new AuthenticationHeaderValue("Bearer", token);
                _readAt = now;
            }

            return _header;
        }
        finally
        {
            _gate.Release();
        }
    }
}
