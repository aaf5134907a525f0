using System.Net;
using Mesh.Api.V1;
using Mesh.Proxy.Tests.Fixtures;
using Eventually = Mesh.Testing.Eventually;

namespace Mesh.Proxy.Tests.EndToEnd;

/// <summary>Certificate rotation on both sidecars in the middle of steady traffic: no request fails, new connections use the new certificates.</summary>
public sealed class MtlsCertificateRotationTests : IDisposable
{
    private const int RequestsBefore = 250;
    private const int RequestsAfter = 250;

    private readonly TestCertificateAuthority _ca = new();

    public void Dispose() => _ca.Dispose();

    [Fact]
    public async Task Rotating_both_sidecars_certificates_during_500_requests_fails_none_and_new_connections_present_the_new_certificate()
    {
        await using var pair = await SidecarPair.StartAsync(MtlsMode.Strict, _ca.Issue(SidecarPair.ServerPrincipal), _ca.Issue(SidecarPair.ClientPrincipal));
        var oldHash = MtlsBetweenSidecarsTests.Sha256(pair.ClientCertificates.Current!.Certificate);
        var newClient = _ca.Issue(SidecarPair.ClientPrincipal);
        var newHash = MtlsBetweenSidecarsTests.Sha256(newClient.Certificate);
        var failures = new List<string>();

        // Four callers warm four upstream connections with the old certificates; the swap happens while their
        // requests are in flight. Afterwards eight callers with slower answers need connections the pool does not
        // have yet, so the pool opens new ones, which must present the new certificates.
        var sent = 0;
        var before = Callers(4, () => Interlocked.Increment(ref sent) <= RequestsBefore, pair, failures, delayMs: 0);
        await Eventually.AssertAsync(() => Volatile.Read(ref sent) >= RequestsBefore / 2, "half the requests before the swap were sent", TimeSpan.FromSeconds(60));
        pair.ClientCertificates.Current = newClient;
        pair.ServerCertificates.Current = _ca.Issue(SidecarPair.ServerPrincipal);
        await before.WaitAsync(TimeSpan.FromSeconds(120));

        var sentAfter = 0;
        await Callers(8, () => Interlocked.Increment(ref sentAfter) <= RequestsAfter, pair, failures, delayMs: 20)
            .WaitAsync(TimeSpan.FromSeconds(120));

        lock (failures)
        {
            Assert.Empty(failures);
        }

        var hashes = pair.Backend.Received.Select(r => r.Headers["x-forwarded-client-cert"]).ToList();
        Assert.Equal(RequestsBefore + RequestsAfter, hashes.Count);
        Assert.Contains(hashes, h => h.Contains("Hash=" + oldHash, StringComparison.Ordinal));
        Assert.Contains(hashes, h => h.Contains("Hash=" + newHash, StringComparison.Ordinal));
    }

    private static Task Callers(int count, Func<bool> next, SidecarPair pair, List<string> failures, int delayMs) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
        {
            while (next())
            {
                try
                {
                    using var response = await pair.Client.GetAsync("reviews:9080", "/", r => r.Headers.Add("x-delay-ms", delayMs.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        Record(failures, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                    }
                }
                catch (HttpRequestException e)
                {
                    Record(failures, e.Message);
                }
            }
        })));

    private static void Record(List<string> failures, string failure)
    {
        lock (failures)
        {
            failures.Add(failure);
        }
    }
}
