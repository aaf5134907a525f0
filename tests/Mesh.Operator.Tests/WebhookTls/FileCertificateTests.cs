using Mesh.Operator.WebhookTls;
using Mesh.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Mesh.Operator.Tests.WebhookTls;

/// <summary>
/// The webhook's certificate from PEM files, reloaded without a restart: real TLS handshakes on loopback against
/// the running operator show which certificate it serves. The poll timer runs on a manual clock that these tests
/// never advance, so a reload they see came from the directory watch.
/// </summary>
public sealed class FileCertificateTests
{
    [Fact]
    public async Task A_data_symlink_swap_is_served_from_the_next_handshake()
    {
        var first = PemPair.Create("first");
        var second = PemPair.Create("second");
        using var secret = await MountedSecret.CreateAsync(first);
        await using var host = await WebhookOperator.StartLocalAsync(secret.CertFile, secret.KeyFile, new ManualTimeProvider());
        Assert.True((await TlsProbe.PresentedAsync(host.WebhookPort)).SameAs(first.Certificate));

        await secret.SwapAsync(second);

        await Eventually.AssertAsync(async () => (await TlsProbe.PresentedAsync(host.WebhookPort)).SameAs(second.Certificate), "a new handshake presents the swapped-in certificate");
    }

    [Fact]
    public async Task Files_rewritten_in_place_are_served_from_the_next_handshake()
    {
        var first = PemPair.Create("first");
        var second = PemPair.Create("second");
        var directory = Directory.CreateTempSubdirectory("mesh-webhook-files-").FullName;
        try
        {
            var certFile = Path.Combine(directory, "tls.crt");
            var keyFile = Path.Combine(directory, "tls.key");
            await File.WriteAllTextAsync(certFile, first.CertificatePem);
            await File.WriteAllTextAsync(keyFile, first.KeyPem);
            await using var host = await WebhookOperator.StartLocalAsync(certFile, keyFile, new ManualTimeProvider());

            await File.WriteAllTextAsync(keyFile, second.KeyPem);
            await File.WriteAllTextAsync(certFile, second.CertificatePem);

            await Eventually.AssertAsync(async () => (await TlsProbe.PresentedAsync(host.WebhookPort)).SameAs(second.Certificate), "a new handshake presents the rewritten certificate");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_mismatched_pair_keeps_the_last_good_certificate_until_a_good_one_arrives()
    {
        var first = PemPair.Create("first");
        var second = PemPair.Create("second");
        using var secret = await MountedSecret.CreateAsync(first);
        await using var host = await WebhookOperator.StartLocalAsync(secret.CertFile, secret.KeyFile, new ManualTimeProvider());
        var source = host.Services.GetRequiredService<FileCertificateSource>();

        await secret.SwapAsync(second with { KeyPem = first.KeyPem });
        await Eventually.AssertAsync(() => source.Problem is not null, "the mismatched pair is reported");

        Assert.True((await TlsProbe.PresentedAsync(host.WebhookPort)).SameAs(first.Certificate));
        Assert.DoesNotContain("PRIVATE KEY", source.Problem, StringComparison.Ordinal);

        await secret.SwapAsync(second);
        await Eventually.AssertAsync(async () => (await TlsProbe.PresentedAsync(host.WebhookPort)).SameAs(second.Certificate), "the good pair replaces the kept one");
        Assert.Null(source.Problem);
    }

    [Fact]
    public async Task The_poll_reloads_files_changed_while_the_watch_saw_nothing()
    {
        var first = PemPair.Create("first");
        var second = PemPair.Create("second");
        using var secret = await MountedSecret.CreateAsync(first);
        var clock = new ManualTimeProvider();
        await using var host = await WebhookOperator.StartLocalAsync(secret.CertFile, secret.KeyFile, clock);
        var source = host.Services.GetRequiredService<FileCertificateSource>();

        // Stopping the watchers (not the poll) stands in for a volume whose events never arrive.
        source.StopWatching();
        await secret.SwapAsync(second);
        Assert.True((await TlsProbe.PresentedAsync(host.WebhookPort)).SameAs(first.Certificate));

        clock.Advance(new WebhookTlsOptions().FilePollInterval);

        await Eventually.AssertAsync(async () => (await TlsProbe.PresentedAsync(host.WebhookPort)).SameAs(second.Certificate), "the poll picks up the swap");
    }

    [Fact]
    public async Task Without_files_local_mode_serves_an_ephemeral_certificate_for_localhost()
    {
        await using var host = await WebhookOperator.StartLocalAsync();

        var presented = await TlsProbe.PresentedAsync(host.WebhookPort);

        Assert.True(await TlsProbe.VerifiesAsync(host.WebhookPort, presented, "localhost", DateTimeOffset.UtcNow));
    }
}
