using Mesh.Proxy.Admin;
using Mesh.Proxy.Forwarding;
using Mesh.Proxy.Inbound;
using Microsoft.AspNetCore.Http;

namespace Mesh.Proxy.Hosting;

/// <summary>Sends each request to the handler of the listener it arrived on.</summary>
internal sealed class ListenerDispatcher
{
    private readonly ListenerEndpoints _endpoints;
    private readonly OutboundProxyMiddleware _outbound;
    private readonly InboundProxyMiddleware _inbound;
    private readonly AdminMiddleware _admin;

    public ListenerDispatcher(ListenerEndpoints endpoints, OutboundProxyMiddleware outbound, InboundProxyMiddleware inbound, AdminMiddleware admin)
    {
        _endpoints = endpoints;
        _outbound = outbound;
        _inbound = inbound;
        _admin = admin;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var port = context.Connection.LocalPort;
        if (port == _endpoints.OutboundPort)
        {
            return _outbound.InvokeAsync(context);
        }

        return port == _endpoints.InboundPort ? _inbound.InvokeAsync(context) : _admin.InvokeAsync(context);
    }
}
