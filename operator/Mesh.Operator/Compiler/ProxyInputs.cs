using Mesh.Api.V1;

namespace Mesh.Operator.Compiler;

/// <summary>
/// What a compile derives for one distinct proxy (namespace, labels, service account) besides its outbound hosts: the
/// sourceLabels selectors it matched, its egress scope, the workload-selected rules that apply to it, and its inbound
/// config. The next compile takes them over when what they are derived from is unchanged (see
/// <see cref="CompiledMesh"/>), so a proxy a change leaves alone costs a lookup. Immutable.
/// </summary>
internal sealed record ProxyInputs(int[] Matched, EgressScope? Scope, int[] Selected, string OutboundKey, InboundConfig Inbound, byte[] InboundHash);

/// <summary>A node's cache key and labels, taken once per node object (a connection's node does not change).</summary>
internal sealed record NodeKey(string Key, Dictionary<string, string> Labels);
