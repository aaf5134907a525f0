using System.Text.Json;
using k8s.Models;
using Mesh.Kubernetes.Client;
using Mesh.Kubernetes.Tests.Fixtures;

namespace Mesh.Kubernetes.Tests.Client;

public sealed class TokenReviewTests
{
    private readonly CancellationToken _ct = TestTimeout.Token();

    [Fact]
    public async Task ReviewToken_OfAKnownToken_ReturnsTheServiceAccountUser()
    {
        await using var cluster = await FakeCluster.StartAsync();
        cluster.Server.Tokens["token-a"] = "system:serviceaccount:shop:reviews";

        var status = await cluster.Client.ReviewTokenAsync("token-a", null, _ct);

        Assert.True(status.Authenticated);
        Assert.Equal("system:serviceaccount:shop:reviews", status.User?.Username);
        var request = Assert.Single(cluster.Server.Requests);
        Assert.Equal(("POST", "/apis/authentication.k8s.io/v1/tokenreviews"), (request.Method, request.Path));
    }

    [Fact]
    public async Task ReviewToken_OfAnUnknownToken_IsNotAuthenticatedRatherThanAnError()
    {
        await using var cluster = await FakeCluster.StartAsync();
        cluster.Server.Tokens["token-a"] = "system:serviceaccount:shop:reviews";

        var status = await cluster.Client.ReviewTokenAsync("forged", null, _ct);

        Assert.False(status.Authenticated);
        Assert.Null(status.User);
    }

    [Fact]
    public void Secret_DataIsBase64OnTheWire()
    {
        var secret = new V1Secret { Metadata = new V1ObjectMeta { Name = "s", NamespaceProperty = "ns" }, Type = "Opaque", Data = new Dictionary<string, byte[]> { ["ca.crt"] = [1, 2, 255] } };

        var json = JsonSerializer.SerializeToElement(secret, KubernetesJson.Options);
        var back = JsonSerializer.Deserialize<V1Secret>(json.GetRawText(), KubernetesJson.Options)!;

        Assert.Equal("AQL/", json.GetProperty("data").GetProperty("ca.crt").GetString());
        Assert.Equal([1, 2, 255], back.Data!["ca.crt"]);
    }
}
