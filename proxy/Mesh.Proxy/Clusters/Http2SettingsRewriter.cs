using System.Buffers;
using System.Buffers.Binary;

namespace Mesh.Proxy.Clusters;

/// <summary>
/// Walks the frames an HTTP/2 server sends (RFC 9113 §4.1: a 9-byte header of 24-bit payload length, type, flags and
/// stream id, then the payload) and lowers the SETTINGS_MAX_CONCURRENT_STREAMS each SETTINGS frame announces to a
/// limit, so the client keeps to min(server's limit, limit) streams on the connection, as Envoy's
/// max_concurrent_streams does. After <see cref="HideAckOfOwnSettings"/> it also drops the server's first SETTINGS
/// ACK, which answers a SETTINGS frame the client did not send. Every other byte passes unchanged; bytes arrive in
/// any chunking.
/// </summary>
internal sealed class Http2SettingsRewriter
{
    public const int FrameHeaderSize = 9;

    private const byte SettingsType = 0x4;
    private const byte AckFlag = 0x1;
    private const ushort MaxConcurrentStreamsId = 0x3;
    private const int ParameterSize = 6;

    // The client never raises SETTINGS_MAX_FRAME_SIZE from its default, so a longer frame is one the client rejects
    // itself (as it does a length that is not a multiple of 6): such frames pass as they are, for it to report.
    private const int MaxSettingsPayload = 16_384;

    private readonly uint _limit;
    private readonly byte[] _header = new byte[FrameHeaderSize];
    private int _headerFill;
    private long _payloadLeft;
    private byte[]? _settings;
    private int _settingsFill;
    private int _settingsEnd;
    private bool _settingsSeen;
    private bool _hideAck;

    public Http2SettingsRewriter(uint limit) => _limit = limit;

    /// <summary>The server's first frame has gone out (for a SETTINGS frame, rewritten): the client's limit is set.</summary>
    public bool FirstFrameDone { get; private set; }

    /// <summary>
    /// A SETTINGS frame of the connection's own went to the server ahead of the client's: the server's first SETTINGS
    /// ACK answers it (ACKs follow the order of the frames they answer, RFC 9113 §6.5.3), and the client, which
    /// expects exactly one ACK for its own frame, would take a second as a protocol error.
    /// </summary>
    public void HideAckOfOwnSettings() => _hideAck = true;

    /// <summary>
    /// True when <paramref name="data"/>, next on the connection, goes out unchanged: it holds no SETTINGS frame and
    /// ends at a frame boundary or inside a payload. The state then moves past it; on false nothing changed.
    /// </summary>
    public bool TryPassThrough(ReadOnlySpan<byte> data)
    {
        if (_headerFill != 0 || _settings is not null)
        {
            return false;
        }

        var left = _payloadLeft;
        var position = 0;
        var sawHeader = false;
        while (left < data.Length - position)
        {
            position += (int)left;
            if (data.Length - position < FrameHeaderSize)
            {
                return false;
            }

            var header = data.Slice(position, FrameHeaderSize);
            if (IsRewritten(header) || (_hideAck && IsSettingsAck(header)))
            {
                return false;
            }

            left = PayloadLength(header);
            position += FrameHeaderSize;
            sawHeader = true;
        }

        _payloadLeft = left - (data.Length - position);
        FirstFrameDone |= sawHeader;
        return true;
    }

    /// <summary>Consumes <paramref name="data"/> and writes what the client should read in its place.</summary>
    public void Rewrite(ReadOnlySpan<byte> data, IBufferWriter<byte> output)
    {
        while (!data.IsEmpty)
        {
            int take;
            if (_settings is not null)
            {
                take = Math.Min(_settingsEnd - _settingsFill, data.Length);
                data[..take].CopyTo(_settings.AsSpan(_settingsFill));
                _settingsFill += take;
                if (_settingsFill == _settingsEnd)
                {
                    EmitSettings(output);
                }
            }
            else if (_payloadLeft > 0)
            {
                take = (int)Math.Min(_payloadLeft, data.Length);
                output.Write(data[..take]);
                _payloadLeft -= take;
            }
            else
            {
                take = Math.Min(FrameHeaderSize - _headerFill, data.Length);
                data[..take].CopyTo(_header.AsSpan(_headerFill));
                _headerFill += take;
                if (_headerFill == FrameHeaderSize)
                {
                    _headerFill = 0;
                    OnHeader(output);
                }
            }

            data = data[take..];
        }
    }

    private static int PayloadLength(ReadOnlySpan<byte> header) => (header[0] << 16) | (header[1] << 8) | header[2];

    private static bool IsRewritten(ReadOnlySpan<byte> header)
    {
        var length = PayloadLength(header);
        return header[3] == SettingsType && (header[4] & AckFlag) == 0 && length % ParameterSize == 0 && length <= MaxSettingsPayload;
    }

    // Only a well-formed ACK is taken for the answer to the connection's own frame; a malformed one passes for the
    // client to reject.
    private static bool IsSettingsAck(ReadOnlySpan<byte> header) =>
        header[3] == SettingsType && (header[4] & AckFlag) != 0 && PayloadLength(header) == 0
        && (BinaryPrimitives.ReadUInt32BigEndian(header[5..]) & 0x7FFF_FFFF) == 0;

    private void OnHeader(IBufferWriter<byte> output)
    {
        var length = PayloadLength(_header);
        if (_hideAck && IsSettingsAck(_header))
        {
            _hideAck = false;
            return;
        }

        if (!IsRewritten(_header))
        {
            output.Write(_header);
            _payloadLeft = length;
            FirstFrameDone = true;
            return;
        }

        // Room for one more parameter, should this frame need it.
        _settings = new byte[FrameHeaderSize + length + ParameterSize];
        _header.CopyTo(_settings, 0);
        _settingsFill = FrameHeaderSize;
        _settingsEnd = FrameHeaderSize + length;
        if (length == 0)
        {
            EmitSettings(output);
        }
    }

    private void EmitSettings(IBufferWriter<byte> output)
    {
        var frame = _settings!;
        var end = _settingsEnd;
        var announced = false;
        for (var at = FrameHeaderSize; at < end; at += ParameterSize)
        {
            if (BinaryPrimitives.ReadUInt16BigEndian(frame.AsSpan(at)) == MaxConcurrentStreamsId)
            {
                announced = true;
                var value = frame.AsSpan(at + 2, 4);
                BinaryPrimitives.WriteUInt32BigEndian(value, Math.Min(BinaryPrimitives.ReadUInt32BigEndian(value), _limit));
            }
        }

        // A parameter a SETTINGS frame leaves out keeps its value (RFC 9113 §6.5.3), which before the first frame is
        // unlimited: only the first one needs the limit added when it has none.
        if (!announced && !_settingsSeen)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(end), MaxConcurrentStreamsId);
            BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(end + 2), _limit);
            end += ParameterSize;
            var length = end - FrameHeaderSize;
            frame[0] = (byte)(length >> 16);
            frame[1] = (byte)(length >> 8);
            frame[2] = (byte)length;
        }

        output.Write(frame.AsSpan(0, end));
        _settings = null;
        _settingsSeen = true;
        FirstFrameDone = true;
    }
}
