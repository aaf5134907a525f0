using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Forwarding;

/// <summary>Istio's directResponse: the proxy answers with a fixed status and body, and nothing goes upstream.</summary>
internal sealed class DirectResponseAction
{
    private readonly byte[] _body;
    private readonly string? _contentType;

    private DirectResponseAction(int statusCode, byte[] body, string? contentType)
    {
        StatusCode = statusCode;
        _body = body;
        _contentType = contentType;
    }

    public int StatusCode { get; }

    public static DirectResponseAction Create(Api.V1.DirectResponse proto, string path)
    {
        if (proto.Status is < 200 or > 599)
        {
            throw new Config.InvalidProxyConfigException(path + ".status", $"{proto.Status} is not an HTTP status (200-599)");
        }

        return new DirectResponseAction((int)proto.Status, proto.Body.ToByteArray(), proto.ContentType.Length > 0 ? proto.ContentType : null);
    }

    public Task RespondAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCode;
        if (_body.Length == 0)
        {
            return Task.CompletedTask;
        }

        if (_contentType is not null)
        {
            context.Response.ContentType = _contentType;
        }

        context.Response.ContentLength = _body.Length;
        return context.Response.Body.WriteAsync(_body, context.RequestAborted).AsTask();
    }
}
