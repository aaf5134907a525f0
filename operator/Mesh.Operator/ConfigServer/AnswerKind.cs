namespace Mesh.Operator.ConfigServer;

/// <summary>How a proxy answered a response, as judged by its request.</summary>
internal enum AnswerKind
{
    Ack,
    Nack,

    /// <summary>The request names a nonce other than the last one sent: it answers nothing and gets no answer.</summary>
    Stale,
}
