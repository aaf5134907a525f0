using System.Text.Json.Nodes;
using System.Threading.Channels;
using Mesh.Kubernetes.Client;

namespace Mesh.Kubernetes.Tests.Fixtures;

/// <summary>One open watch of the fake API server: the lines to stream, in resourceVersion order.</summary>
internal sealed class FakeWatch(ResourceType type, string? @namespace, FakeSelector selector, bool bookmarks)
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });

    public ResourceType Type { get; } = type;

    public bool Bookmarks { get; } = bookmarks;

    public ChannelReader<string> Lines => _lines.Reader;

    public bool Matches(ResourceType type, JsonObject obj)
        => type == Type
            && (@namespace is null || FakeObjects.Namespace(obj) == @namespace)
            && selector.Matches(obj);

    public void Send(string eventType, JsonNode obj)
        => _lines.Writer.TryWrite(new JsonObject { ["type"] = eventType, ["object"] = obj.DeepClone() }.ToJsonString());

    public void SendRaw(string line) => _lines.Writer.TryWrite(line);

    /// <summary>Ends the stream as a server-side timeout does: no error, the client re-watches.</summary>
    public void Close() => _lines.Writer.TryComplete();

    /// <summary>Drops the connection mid-stream, as a crashed API server or a broken network does.</summary>
    public void Abort() => _lines.Writer.TryComplete(new FakeConnectionAborted());

    /// <summary>An ERROR event (a Status) and the end of the stream, as for a too old resourceVersion.</summary>
    public void Fail(FakeApiError error)
    {
        Send("ERROR", error.ToStatus());
        Close();
    }
}

internal sealed class FakeConnectionAborted() : Exception("The fake API server dropped the connection.");
