namespace Mesh.Kubernetes.Config;

/// <summary>
/// The bearer token of requests. A token file is read again once <c>refreshInterval</c> has passed, because bound
/// service-account tokens rotate (the kubelet rewrites the file well before the old token expires).
/// </summary>
internal sealed class BearerTokenSource
{
    private readonly string? _staticToken;
    private readonly string? _tokenFile;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _refreshInterval;
    private readonly Lock _gate = new();
    private string? _cached;
    private long _readAt;

    public BearerTokenSource(string? staticToken, string? tokenFile, TimeProvider timeProvider, TimeSpan refreshInterval)
    {
        _staticToken = staticToken;
        _tokenFile = tokenFile;
        _timeProvider = timeProvider;
        _refreshInterval = refreshInterval;
    }

    public bool HasToken => _staticToken is not null || _tokenFile is not null;

    public string? GetToken()
    {
        if (_tokenFile is null)
        {
            return _staticToken;
        }

        lock (_gate)
        {
            if (_cached is null || _timeProvider.GetElapsedTime(_readAt) >= _refreshInterval)
            {
                try
                {
                    _cached = File.ReadAllText(_tokenFile).Trim();
                    _readAt = _timeProvider.GetTimestamp();
                }
                catch (IOException) when (_cached is not null)
                {
                    // The kubelet swaps the file atomically; a transient failure keeps the previous token.
                }
            }

            return _cached;
        }
    }
}
