namespace Mesh.Api.Grpc;

/// <summary>The outcome of a call: a status code and a human-readable detail (sent as grpc-message).</summary>
public readonly record struct Status(StatusCode StatusCode, string Detail)
{
    public static readonly Status DefaultSuccess = new(StatusCode.OK, string.Empty);

    public static readonly Status DefaultCancelled = new(StatusCode.Cancelled, string.Empty);

    public override string ToString() => $"Status(StatusCode=\"{StatusCode}\", Detail=\"{Detail}\")";
}
