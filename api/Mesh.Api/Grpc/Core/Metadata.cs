using System.Collections;

namespace Mesh.Api.Grpc;

/// <summary>
/// Custom metadata: request headers, response headers or trailers. Keys are lower-case ASCII
/// (<c>0-9 a-z _ - .</c>); keys ending in <c>-bin</c> carry bytes (base64 on the wire), all others carry
/// printable ASCII strings. Keys may repeat.
/// </summary>
public sealed class Metadata : IList<Metadata.Entry>
{
    /// <summary>The suffix that marks a binary-valued key.</summary>
    public const string BinaryHeaderSuffix = "-bin";

    private readonly List<Entry> _entries = [];

    public int Count => _entries.Count;

    public bool IsReadOnly => false;

    public Entry this[int index]
    {
        get => _entries[index];
        set => _entries[index] = value ?? throw new ArgumentNullException(nameof(value));
    }

    public void Add(string key, string value) => _entries.Add(new Entry(key, value));

    public void Add(string key, byte[] valueBytes) => _entries.Add(new Entry(key, valueBytes));

    public void Add(Entry item) => _entries.Add(item ?? throw new ArgumentNullException(nameof(item)));

    /// <summary>The last entry with <paramref name="key"/>, or null.</summary>
    public Entry? Get(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (string.Equals(_entries[i].Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return _entries[i];
            }
        }

        return null;
    }

    /// <summary>The string value of the last entry with <paramref name="key"/>, or null.</summary>
    public string? GetValue(string key) => Get(key)?.Value;

    /// <summary>The byte value of the last entry with <paramref name="key"/>, or null.</summary>
    public byte[]? GetValueBytes(string key) => Get(key)?.ValueBytes;

    public void Clear() => _entries.Clear();

    public bool Contains(Entry item) => _entries.Contains(item);

    public void CopyTo(Entry[] array, int arrayIndex) => _entries.CopyTo(array, arrayIndex);

    public IEnumerator<Entry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public int IndexOf(Entry item) => _entries.IndexOf(item);

    public void Insert(int index, Entry item) => _entries.Insert(index, item ?? throw new ArgumentNullException(nameof(item)));

    public bool Remove(Entry item) => _entries.Remove(item);

    public void RemoveAt(int index) => _entries.RemoveAt(index);

    /// <summary>One key/value pair. Binary entries hold bytes; the others hold an ASCII string.</summary>
    public sealed class Entry
    {
        private readonly string? _value;
        private readonly byte[]? _valueBytes;

        public Entry(string key, string value)
        {
            ArgumentNullException.ThrowIfNull(value);
            Key = NormalizeKey(key);
            if (IsBinary)
            {
                throw new ArgumentException($"Key '{Key}' ends in '{BinaryHeaderSuffix}' and needs a byte[] value.", nameof(key));
            }

            foreach (var c in value)
            {
                if (c < 0x20 || c > 0x7E)
                {
                    throw new ArgumentException($"The value of '{Key}' must be printable ASCII; use a '{BinaryHeaderSuffix}' key for other data.", nameof(value));
                }
            }

            _value = value;
        }

        public Entry(string key, byte[] valueBytes)
        {
            ArgumentNullException.ThrowIfNull(valueBytes);
            Key = NormalizeKey(key);
            if (!IsBinary)
            {
                throw new ArgumentException($"Key '{Key}' carries a byte[] value and must end in '{BinaryHeaderSuffix}'.", nameof(key));
            }

            _valueBytes = valueBytes;
        }

        public string Key { get; }

        public bool IsBinary => Key.EndsWith(BinaryHeaderSuffix, StringComparison.Ordinal);

        /// <summary>The string value; throws for binary entries.</summary>
        public string Value => _value ?? throw new InvalidOperationException($"'{Key}' is a binary entry; use {nameof(ValueBytes)}.");

        /// <summary>The byte value; throws for string entries.</summary>
        public byte[] ValueBytes => _valueBytes ?? throw new InvalidOperationException($"'{Key}' is a string entry; use {nameof(Value)}.");

        public override string ToString() => IsBinary ? $"{Key}: {Convert.ToBase64String(ValueBytes)}" : $"{Key}: {Value}";

        private static string NormalizeKey(string key)
        {
            ArgumentException.ThrowIfNullOrEmpty(key);
            var normalized = key.ToLowerInvariant();
            foreach (var c in normalized)
            {
                if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '_' or '.'))
                {
                    throw new ArgumentException($"Metadata key '{key}' may only contain 0-9, a-z, '-', '_' and '.'.", nameof(key));
                }
            }

            if (normalized.StartsWith("grpc-", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Metadata key '{key}' is reserved: the 'grpc-' prefix belongs to the protocol.", nameof(key));
            }

            return normalized;
        }
    }
}
