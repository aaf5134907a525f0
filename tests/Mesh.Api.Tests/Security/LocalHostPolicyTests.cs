using System.Net;
using Mesh.Api.Security;
using Mesh.Testing;

namespace Mesh.Api.Tests.Security;

public sealed class LocalHostPolicyTests
{
    private readonly ManualTimeProvider _time = new();
    private List<IPAddress> _interfaces = [IPAddress.Parse("10.244.1.7"), IPAddress.Parse("fd00::7")];

    [Theory]
    [InlineData("localhost")]
    [InlineData("localhost:15000")]
    [InlineData("LOCALHOST:15000")]
    [InlineData("app.localhost:15014")]
    [InlineData("127.0.0.1:15000")]
    [InlineData("127.8.9.10")]
    [InlineData("[::1]:15000")]
    [InlineData("10.244.1.7:15000")]
    [InlineData("[fd00::7]:15014")]
    [InlineData("")]
    [InlineData(null)]
    public void Loopback_and_the_pods_own_addresses_are_allowed_hosts(string? host) =>
        Assert.True(Policy().IsAllowedHost(host));

    [Theory]
    [InlineData("rebound.example")]
    [InlineData("rebound.example:15000")]
    [InlineData("localhost.rebound.example")]
    [InlineData("10.244.1.8:15000")]
    [InlineData("mesh-operator.mesh-system.svc:15014")]
    [InlineData("0.0.0.0:15000")]
    public void Any_other_name_or_address_is_refused(string host) =>
        Assert.False(Policy().IsAllowedHost(host));

    [Theory]
    [InlineData(null, true)]
    [InlineData("http://localhost:15000", true)]
    [InlineData("http://127.0.0.1:15000", true)]
    [InlineData("http://evil.example", false)]
    [InlineData("https://evil.example:15000", false)]
    [InlineData("null", false)]
    [InlineData("file://", false)]
    public void Origins_are_judged_by_their_host(string? origin, bool allowed) =>
        Assert.Equal(allowed, Policy().IsAllowedOrigin(origin));

    [Fact]
    public void An_address_the_pod_gained_later_is_allowed_once_the_interfaces_are_read_again()
    {
        var policy = Policy();
        _interfaces = [.. _interfaces, IPAddress.Parse("10.244.1.9")];

        Assert.False(policy.IsAllowedHost("10.244.1.9"));
        _time.Advance(LocalHostPolicy.RefreshInterval);
        Assert.True(policy.IsAllowedHost("10.244.1.9"));
    }

    private LocalHostPolicy Policy() => new(_time, () => _interfaces);
}
