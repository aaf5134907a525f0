namespace Mesh.Operator.Identity;

/// <summary>A caller whose identity could not be established; the message says why (never echoing the token).</summary>
internal sealed class WorkloadAuthenticationException(string message) : Exception(message);
