using System.Net;
using System.Text.Json.Nodes;

namespace Mesh.Operator.Tests.Injection;

/// <summary>Whatever arrives at <c>POST /inject</c>, a body that is not a well-formed review gets 400 and a reason.</summary>
public sealed class MalformedReviewTests
{
    public static TheoryData<string, string> Bodies => new()
    {
        { "{\"apiVersion\": \"admission.k8s.io/v1\", ", "not a JSON AdmissionReview" },
        { "[1, 2, 3]", "not a JSON AdmissionReview" },
        { "null", "JSON null" },
        { "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1beta1\",\"request\":{\"uid\":\"u\"}}", "apiVersion must be admission.k8s.io/v1" },
        { "{\"kind\":\"Pod\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"u\"}}", "kind must be AdmissionReview" },
        { "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\"}", "no request" },
        { "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"operation\":\"CREATE\"}}", "request.uid is missing" },
        { "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"u\",\"kind\":{\"kind\":\"Pod\"},\"operation\":\"CREATE\"}}", "request.object is missing" },
        { "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"u\",\"object\":[1]}}", "not a JSON AdmissionReview" },
        { "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":7}}", "not a JSON AdmissionReview" },
        { "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":\"u\",\"kind\":{\"kind\":\"Pod\"},\"operation\":\"CREATE\",\"object\":{\"spec\":{},\"spec\":{}}}}", "not a JSON AdmissionReview" },
        { new string('[', 200) + new string(']', 200), "not a JSON AdmissionReview" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Malformed_body_gets_400_with_the_reason(string body, string reason)
    {
        await using var server = await WebhookServer.StartAsync();

        await AssertBadRequestAsync(await server.PostAsync(body), reason);
    }

    [Theory]
    [InlineData("metadata", "[]", "metadata must be an object")]
    [InlineData("spec", "\"pod\"", "spec must be an object")]
    [InlineData("annotations", "[\"mesh.io/inject\"]", "metadata.annotations must be an object")]
    [InlineData("labels", "7", "metadata.labels must be an object")]
    [InlineData("containers", "[\"app\"]", "spec.containers must be an array of objects")]
    [InlineData("initContainers", "{}", "spec.initContainers must be an array of objects")]
    [InlineData("ports", "[9080]", "spec.containers[].ports must be an array of objects")]
    public async Task Pod_of_the_wrong_shape_gets_400_naming_the_field(string field, string json, string reason)
    {
        await using var server = await WebhookServer.StartAsync();
        var pod = AdmissionReviews.RealisticPod();
        var value = JsonNode.Parse(json);
        switch (field)
        {
            case "metadata" or "spec":
                pod[field] = value;
                break;
            case "annotations" or "labels":
                pod["metadata"]![field] = value;
                break;
            case "ports":
                pod["spec"]!["containers"]![0]![field] = value;
                break;
            default:
                pod["spec"]![field] = value;
                break;
        }

        await AssertBadRequestAsync(await server.PostAsync(AdmissionReviews.For(pod).ToJsonString()), reason);
        Assert.Empty(server.Recorded);
    }

    [Fact]
    public async Task Wrong_content_type_gets_400()
    {
        await using var server = await WebhookServer.StartAsync();
        var review = AdmissionReviews.For(AdmissionReviews.RealisticPod()).ToJsonString();

        await AssertBadRequestAsync(await server.PostAsync(review, "text/plain"), "content type must be application/json");
    }

    [Fact]
    public async Task Body_over_the_limit_gets_400_whether_or_not_its_length_is_declared()
    {
        await using var server = await WebhookServer.StartAsync(o => o.MaxReviewBytes = 64 * 1024);
        var pod = AdmissionReviews.RealisticPod();
        pod.Annotations()["padding"] = new string('x', 64 * 1024);
        var review = AdmissionReviews.For(pod).ToJsonString();

        await AssertBadRequestAsync(await server.PostAsync(review), "exceeds 65536 bytes");

        // Chunked: no Content-Length, so only the bounded read can catch it.
        using var chunked = new HttpRequestMessage(HttpMethod.Post, "/inject") { Content = new StreamContent(new UnknownLengthStream(review)) };
        chunked.Content.Headers.ContentType = new("application/json");
        await AssertBadRequestAsync(await server.Client.SendAsync(chunked), "exceeds 65536 bytes");

        // The same server still admits a normal review afterwards.
        var answer = await server.ReviewAsync(AdmissionReviews.For(AdmissionReviews.RealisticPod()));
        Assert.Equal("JSONPatch", (string?)answer["response"]!["patchType"]);
    }

    [Fact]
    public async Task Default_limit_is_three_mebibytes()
    {
        await using var server = await WebhookServer.StartAsync();
        var pod = AdmissionReviews.RealisticPod();
        pod.Annotations()["padding"] = new string('x', 3 * 1024 * 1024);

        await AssertBadRequestAsync(await server.PostAsync(AdmissionReviews.For(pod).ToJsonString()), "exceeds 3145728 bytes");
    }

    private static async Task AssertBadRequestAsync(HttpResponseMessage response, string reason)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
            Assert.Contains(reason, text, StringComparison.Ordinal);
        }
    }

    private sealed class UnknownLengthStream(string text) : MemoryStream(System.Text.Encoding.UTF8.GetBytes(text))
    {
        public override bool CanSeek => false;
    }
}
