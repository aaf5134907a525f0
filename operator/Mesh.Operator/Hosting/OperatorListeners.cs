using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Mesh.Operator.Hosting;

/// <summary>The operator's listeners and the ports they are bound to (ephemeral ports are known once started).</summary>
public sealed class OperatorListeners
{
    internal ListenOptions? Grpc { get; set; }

    internal ListenOptions? Http { get; set; }

    internal ListenOptions? Webhook { get; set; }

    public int GrpcPort => Port(Grpc);

    public int HttpPort => Port(Http);

    public int WebhookPort => Port(Webhook);

    private static int Port(ListenOptions? options) => (options?.EndPoint as IPEndPoint)?.Port ?? 0;
}
