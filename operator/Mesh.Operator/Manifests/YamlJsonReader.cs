using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Mesh.Operator.Manifests;

/// <summary>
/// Reads multi-document YAML into JSON nodes, recording line numbers. Plain scalars are typed by the YAML 1.2
/// core schema (null, true/false, integers, floats); quoted and block scalars are strings, as are plain scalars
/// tagged <c>!!str</c>. Aliases are expanded; duplicate keys are an error.
/// </summary>
public static partial class YamlJsonReader
{
    // Far deeper than any manifest (the models' JSON reader stops at 64); deeper input would only exhaust the stack,
    // and a stack overflow ends the process instead of reporting the file.
    private const int MaxDepth = 256;

    // Real manifests alias a few small blocks. Each alias is a deep copy, so nested aliases multiply ("billion laughs":
    // six levels of ten make a million nodes and take seconds); past this many copied nodes a document is refused.
    private const int MaxAliasedNodes = 100_000;

    /// <param name="firstLine">The line <paramref name="yaml"/> starts on, when it is one document cut from a file
    /// (<see cref="ManifestDocuments"/>): the lines recorded are the file's (an error's are the text's).</param>
    public static IReadOnlyList<YamlJsonDocument> Read(string yaml, int firstLine = 1)
    {
        var parser = new Parser(new StringReader(yaml));
        try
        {
            return ReadStream(parser, firstLine - 1);
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet reports some syntax errors (an unclosed flow collection) this way; locate them at the last event read.
            var mark = parser.Current?.End ?? Mark.Empty;
            throw new YamlException(mark, mark, "malformed YAML (an unclosed flow collection?)", ex);
        }
    }

    private static List<YamlJsonDocument> ReadStream(IParser parser, int lineOffset)
    {
        var documents = new List<YamlJsonDocument>();
        parser.Consume<StreamStart>();
        while (parser.TryConsume<DocumentStart>(out var start))
        {
            var state = new ReadState(lineOffset);
            JsonNode? root = null;
            var line = (int)start.Start.Line + lineOffset;
            if (!parser.Accept<DocumentEnd>(out _))
            {
                parser.Accept<NodeEvent>(out var first);
                line = first is null ? line : (int)first.Start.Line + lineOffset;
                root = ReadNode(parser, "", state);
            }

            parser.Consume<DocumentEnd>();
            documents.Add(new YamlJsonDocument(root, line, state.FieldLines));
        }

        parser.Consume<StreamEnd>();
        return documents;
    }

    private static JsonNode? ReadNode(IParser parser, string path, ReadState state)
    {
        if (parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (!state.Anchors.TryGetValue(alias.Value.Value, out var target))
            {
                throw new YamlException(alias.Start, alias.End, $"unknown alias *{alias.Value.Value}");
            }

            state.Nodes += target.Nodes;
            state.AliasedNodes += target.Nodes;
            if (state.AliasedNodes > MaxAliasedNodes)
            {
                throw new YamlException(alias.Start, alias.End, $"aliases expand to more than {MaxAliasedNodes} nodes");
            }

            return target.Node?.DeepClone();
        }

        var nodesBefore = state.Nodes++;
        JsonNode? node;
        AnchorName anchor;
        if (parser.TryConsume<Scalar>(out var scalar))
        {
            anchor = scalar.Anchor;
            node = ScalarValue(scalar);
        }
        else if (parser.TryConsume<SequenceStart>(out var sequence))
        {
            anchor = sequence.Anchor;
            Enter(sequence, state);
            var array = new JsonArray();
            while (!parser.TryConsume<SequenceEnd>(out _))
            {
                parser.Accept<NodeEvent>(out var item);
                var itemPath = FieldPath.Index(path, array.Count);
                state.FieldLines[itemPath] = item is null ? 0 : (int)item.Start.Line + state.LineOffset;
                array.Add(ReadNode(parser, itemPath, state));
            }

            state.Depth--;
            node = array;
        }
        else
        {
            var mapping = parser.Consume<MappingStart>();
            anchor = mapping.Anchor;
            Enter(mapping, state);
            var obj = new JsonObject();
            while (!parser.TryConsume<MappingEnd>(out _))
            {
                var key = parser.Consume<Scalar>();
                var keyPath = FieldPath.Property(path, key.Value);
                if (obj.ContainsKey(key.Value))
                {
                    throw new YamlException(key.Start, key.End, $"duplicate key '{key.Value}'");
                }

                state.FieldLines[keyPath] = (int)key.Start.Line + state.LineOffset;
                obj[key.Value] = ReadNode(parser, keyPath, state);
            }

            state.Depth--;
            node = obj;
        }

        if (!anchor.IsEmpty)
        {
            state.Anchors[anchor.Value] = (node, state.Nodes - nodesBefore);
        }

        return node;
    }

    private static void Enter(ParsingEvent collection, ReadState state)
    {
        if (++state.Depth > MaxDepth)
        {
            throw new YamlException(collection.Start, collection.End, $"collections nested more than {MaxDepth} deep");
        }
    }

    private static JsonNode? ScalarValue(Scalar scalar)
    {
        var value = scalar.Value;
        if (scalar.Style != ScalarStyle.Plain || (!scalar.Tag.IsNonSpecific && !scalar.Tag.IsEmpty && scalar.Tag.Value == "tag:yaml.org,2002:str"))
        {
            return JsonValue.Create(value);
        }

        switch (value)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE":
                return JsonValue.Create(false);
        }

        if (IntegerPattern().IsMatch(value) &&
            long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return JsonValue.Create(integer);
        }

        if (value.StartsWith("0x", StringComparison.Ordinal) &&
            long.TryParse(value.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
        {
            return JsonValue.Create(hex);
        }

        if (FloatPattern().IsMatch(value) &&
            double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            return JsonValue.Create(number);
        }

        return JsonValue.Create(value);
    }

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();

    private sealed class ReadState(int lineOffset)
    {
        public int LineOffset { get; } = lineOffset;

        public int Depth { get; set; }

        public Dictionary<string, int> FieldLines { get; } = new(StringComparer.Ordinal);

        /// <summary>The nodes read so far, aliases counted as the nodes they copy.</summary>
        public long Nodes { get; set; }

        public long AliasedNodes { get; set; }

        /// <summary>Each anchored node with its size in nodes (what an alias of it copies).</summary>
        public Dictionary<string, (JsonNode? Node, long Nodes)> Anchors { get; } = new(StringComparer.Ordinal);
    }
}
