using System.Diagnostics;
using Mesh.Proxy.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Tests.Telemetry;

/// <summary>Reading and writing B3 headers as github.com/openzipkin/b3-propagation specifies them.</summary>
public sealed class B3PropagationTests
{
    private const string Trace = "80f198ee56343ba864fe8b2a57d3eff7";
    private const string Span = "e457b5a2e4d86bd1";
    private const string Parent = "05e3ac9a4f6e3b90";

    [Theory]
    [InlineData($"{Trace}-{Span}-1-{Parent}", Trace, true)]
    [InlineData($"{Trace}-{Span}-1", Trace, true)]
    [InlineData($"{Trace}-{Span}-d", Trace, true)]
    [InlineData($"{Trace}-{Span}-0", Trace, false)]
    [InlineData($"{Trace}-{Span}", Trace, true)]
    [InlineData($"64fe8b2a57d3eff7-{Span}-1", "000000000000000064fe8b2a57d3eff7", true)]
    public void A_single_header_gives_the_callers_span_with_its_sampling_decision(string b3, string trace, bool recorded)
    {
        var headers = new HeaderDictionary { ["b3"] = b3 };

        Assert.True(B3Propagation.TryExtract(headers, out var context));

        Assert.Equal((trace, Span, recorded, true), (context.TraceId.ToHexString(), context.SpanId.ToHexString(), context.TraceFlags == ActivityTraceFlags.Recorded, context.IsRemote));
    }

    [Theory]
    [InlineData("1", null, true)]
    [InlineData("true", null, true)]
    [InlineData("0", null, false)]
    [InlineData("0", "1", true)]
    [InlineData(null, null, true)]
    public void Multi_headers_give_the_callers_span_and_debug_means_sampled(string? sampled, string? flags, bool recorded)
    {
        var headers = new HeaderDictionary { ["X-B3-TraceId"] = Trace, ["X-B3-SpanId"] = Span, ["X-B3-ParentSpanId"] = Parent };
        if (sampled is not null)
        {
            headers["X-B3-Sampled"] = sampled;
        }

        if (flags is not null)
        {
            headers["X-B3-Flags"] = flags;
        }

        Assert.True(B3Propagation.TryExtract(headers, out var context));

        Assert.Equal((Trace, Span, recorded), (context.TraceId.ToHexString(), context.SpanId.ToHexString(), context.TraceFlags == ActivityTraceFlags.Recorded));
    }

    [Theory]
    [InlineData("1")]
    [InlineData("d")]
    [InlineData($"{Trace}")]
    [InlineData($"{Trace}-{Span}-x")]
    [InlineData($"{Trace}-e457b5a2e4d86bd")]
    [InlineData($"80F198EE56343BA864FE8B2A57D3EFF7-{Span}-1")]
    [InlineData($"00000000000000000000000000000000-{Span}-1")]
    [InlineData($"{Trace}-0000000000000000-1")]
    [InlineData($"{Trace}-{Span}-1-{Parent}-extra")]
    public void A_single_header_without_a_valid_span_gives_no_context(string b3) =>
        Assert.False(B3Propagation.TryExtract(new HeaderDictionary { ["b3"] = b3 }, out _));

    [Fact]
    public void A_bad_single_header_falls_back_to_the_multi_headers_and_missing_ids_give_no_context()
    {
        Assert.True(B3Propagation.TryExtract(new HeaderDictionary { ["b3"] = "1", ["X-B3-TraceId"] = Trace, ["X-B3-SpanId"] = Span }, out var context));
        Assert.Equal(Span, context.SpanId.ToHexString());
        Assert.False(B3Propagation.TryExtract(new HeaderDictionary { ["X-B3-TraceId"] = Trace }, out _));
        Assert.False(B3Propagation.TryExtract(new HeaderDictionary(), out _));
    }

    [Fact]
    public void Inject_writes_the_hops_span_with_its_parent_in_both_forms()
    {
        var parent = new ActivityContext(ActivityTraceId.CreateFromString(Trace), ActivitySpanId.CreateFromString(Parent), ActivityTraceFlags.Recorded);
        using var activity = new Activity("hop").SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags).Start();
        using var request = new HttpRequestMessage();

        B3Propagation.Inject(activity, request, single: true, multi: true);

        var span = activity.SpanId.ToHexString();
        Assert.Equal($"{Trace}-{span}-1-{Parent}", Header("b3"));
        Assert.Equal((Trace, span, Parent, "1"), (Header("X-B3-TraceId"), Header("X-B3-SpanId"), Header("X-B3-ParentSpanId"), Header("X-B3-Sampled")));

        B3Propagation.Remove(request);
        Assert.Empty(request.Headers);

        string Header(string name) => Assert.Single(request.Headers.GetValues(name));
    }
}
