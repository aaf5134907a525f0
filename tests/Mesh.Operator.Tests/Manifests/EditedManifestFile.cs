using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Mesh.Operator.Tests.Manifests;

/// <summary>
/// A multi-document manifest file as a user edits it: documents inserted, deleted, duplicated, moved and swapped,
/// values changed, blank lines and comments added before <c>---</c>, line ends turned to CRLF, a directive, <c>...</c>
/// markers, a BOM, syntax errors made and later fixed, documents made invalid. <see cref="Edit"/> applies one random
/// edit and says what it did.
/// </summary>
internal sealed partial class EditedManifestFile
{
    private static readonly string[] Values = ["9090", "nine", "\"quoted\"", "'single'", "true", "null", "~", "[a, b]", "{x: 1}", "-1", "1.5", "0x1F", "v2", ""];
    private static readonly string[] Markers = ["---", "---", "---", "--- ", "---\t", "--- # next"];
    private static readonly string[] SyntaxErrors = ["broken: [unclosed\n", "\tindented: with a tab\n", "key: \"open quote\n", "- a\nb: c\n", "a: b: c\n"];

    private readonly List<Document> _documents;

    public EditedManifestFile(IEnumerable<string> documents) => _documents = [.. documents.Select(text => new Document(text))];

    public bool Crlf { get; private set; }

    public bool Bom { get; private set; }

    public bool Directive { get; private set; }

    public bool NoFinalLineEnd { get; private set; }

    /// <summary>
    /// Whether the file may be read document by document: no directive, no <c>...</c>, no content after a <c>---</c>,
    /// every document beginning with a plain scalar, no syntax error made by an edit (other syntax errors, from values,
    /// are found by reading).
    /// </summary>
    public bool Cuttable => !Directive && _documents.All(d =>
        !d.EndMarker && d.Broken is null && !d.Marker.Contains('#', StringComparison.Ordinal) && BeginsWithPlainScalar(d.Text));

    public string Render()
    {
        var text = new StringBuilder();
        if (Bom)
        {
            text.Append('\uFEFF');
        }

        if (Directive)
        {
            text.Append("%YAML 1.2\n---\n");
        }

        for (var i = 0; i < _documents.Count; i++)
        {
            var document = _documents[i];
            if (i > 0)
            {
                text.Append(document.Marker).Append('\n');
            }

            text.Append(document.Text);
            if (document.EndMarker)
            {
                text.Append("...\n");
            }
        }

        if (NoFinalLineEnd && text.Length > 0 && text[^1] == '\n')
        {
            text.Length--;
        }

        var rendered = text.ToString();
        return Crlf ? rendered.ReplaceLineEndings("\r\n") : rendered;
    }

    /// <summary>Applies one random edit; returns what it did.</summary>
    public string Edit(Random random, IReadOnlyList<string> corpus)
    {
        // Users undo what makes a file read whole as often as they do it, so the cut gets its share of versions.
        if (!Cuttable && random.Next(3) == 0)
        {
            return Repair();
        }

        var count = _documents.Count;
        var at = count == 0 ? 0 : random.Next(count);
        switch (count == 0 ? 0 : random.Next(20))
        {
            case 0:
                var inserted = random.Next(count + 1);
                _documents.Insert(inserted, new Document(corpus[random.Next(corpus.Count)]));
                return $"insert a document at {inserted}";
            case 1:
                _documents.RemoveAt(at);
                return $"delete document {at}";
            case 2:
                _documents.Insert(at + 1, _documents[at] with { });
                return $"duplicate document {at}";
            case 3:
                var moved = _documents[at];
                _documents.RemoveAt(at);
                var to = random.Next(_documents.Count + 1);
                _documents.Insert(to, moved);
                return $"move document {at} to {to}";
            case 4:
                var other = random.Next(count);
                (_documents[at], _documents[other]) = (_documents[other], _documents[at]);
                return $"swap documents {at} and {other}";
            case 5 or 6 or 7:
                return ChangeValue(at, random);
            case 8:
                var padding = random.Next(2) == 0 ? "\n" : "# a comment before the marker\n";
                _documents[at] = _documents[at] with { Text = _documents[at].Text + padding };
                return $"add {padding.Trim()} at the end of document {at}";
            case 9:
                _documents[at] = _documents[at] with { Text = TrailingPadding().Replace(_documents[at].Text, "\n") };
                return $"remove blank lines and comments at the end of document {at}";
            case 10:
                Crlf = !Crlf;
                return Crlf ? "CRLF line ends" : "LF line ends";
            case 11:
                Directive = !Directive;
                return Directive ? "add a %YAML directive" : "remove the %YAML directive";
            case 12:
                _documents[at] = _documents[at] with { EndMarker = !_documents[at].EndMarker };
                return $"toggle a ... after document {at}";
            case 13:
                return BreakOrFix(at, random);
            case 14:
                return MakeInvalid(at, random);
            case 15 when random.Next(4) == 0:
                _documents.Clear();
                return "empty the file";
            case 16:
                Bom = !Bom;
                return Bom ? "add a BOM" : "remove the BOM";
            case 17:
                var marker = Markers[random.Next(Markers.Length)];
                _documents[at] = _documents[at] with { Marker = marker };
                return $"the marker before document {at} is '{marker}'";
            case 18:
                NoFinalLineEnd = !NoFinalLineEnd;
                return NoFinalLineEnd ? "no line end at the end of the file" : "a line end at the end of the file";
            default:
                return ChangeValue(at, random);
        }
    }

    /// <summary>Deletes the documents <paramref name="broken"/> says are, as a user fixing the file would; says which.</summary>
    public string RemoveDocuments(Func<string, bool> broken)
    {
        var removed = _documents.Where(d => d.Broken is not null || broken(d.Text)).ToList();
        _documents.RemoveAll(removed.Contains);
        return $"delete the {removed.Count} documents with errors";
    }

    private string Repair()
    {
        if (Directive)
        {
            Directive = false;
            return "remove the %YAML directive";
        }

        var at = _documents.FindIndex(d => d.EndMarker || d.Broken is not null || d.Marker.Contains('#', StringComparison.Ordinal) || !BeginsWithPlainScalar(d.Text));
        var document = _documents[at];
        if (document.Broken is not null)
        {
            _documents[at] = document with { Text = document.Broken, Broken = null };
            return $"fix the syntax error of document {at}";
        }

        if (document.EndMarker || document.Marker.Contains('#', StringComparison.Ordinal))
        {
            _documents[at] = document with { EndMarker = false, Marker = "---" };
            return $"plain markers around document {at}";
        }

        _documents.RemoveAt(at);
        return $"delete document {at}, which does not begin with a plain scalar";
    }

    private string ChangeValue(int at, Random random)
    {
        var document = _documents[at];
        var fields = ScalarField().Matches(document.Text);
        if (fields.Count == 0)
        {
            return $"no value to change in document {at}";
        }

        var field = fields[random.Next(fields.Count)];
        var value = random.Next(3) == 0 ? Values[random.Next(Values.Length)] : random.Next(1, 70_000).ToString(CultureInfo.InvariantCulture);
        var text = string.Concat(document.Text.AsSpan(0, field.Groups["value"].Index), value, document.Text.AsSpan(field.Groups["value"].Index + field.Groups["value"].Length));
        _documents[at] = document with { Text = text };
        return $"{field.Groups["key"].Value} of document {at} is '{value}'";
    }

    private string BreakOrFix(int at, Random random)
    {
        var broken = _documents.FindIndex(d => d.Broken is not null);
        if (broken >= 0 && random.Next(2) == 0)
        {
            _documents[broken] = _documents[broken] with { Text = _documents[broken].Broken!, Broken = null };
            return $"fix the syntax error of document {broken}";
        }

        var document = _documents[at];
        var lines = document.Text.Split('\n');
        var line = random.Next(lines.Length);
        var error = SyntaxErrors[random.Next(SyntaxErrors.Length)];
        var text = string.Join('\n', lines[..line]) + (line > 0 ? "\n" : "") + error + string.Join('\n', lines[line..]);
        _documents[at] = document with { Text = text, Broken = document.Broken ?? document.Text };
        return $"syntax error '{error.TrimEnd()}' at line {line} of document {at}";
    }

    private string MakeInvalid(int at, Random random)
    {
        var document = _documents[at];
        switch (random.Next(3))
        {
            case 0:
                _documents[at] = document with { Text = NameField().Replace(document.Text, "", 1) };
                return $"remove the name of document {at}";
            case 1:
                _documents[at] = document with { Text = document.Text.TrimEnd('\n') + "\ncolour: red\n" };
                return $"add an unknown field to document {at}";
            default:
                _documents[at] = document with { Text = PortValue().Replace(document.Text, "${key}nine", 1) };
                return $"make a port of document {at} a word";
        }
    }

    private static bool BeginsWithPlainScalar(string text) =>
        text.Split('\n').Select(line => line.TrimStart(' ').TrimStart('\t')).FirstOrDefault(line => line.Length > 0 && line[0] != '#') is not { } first ||
        char.IsAsciiLetterOrDigit(first[0]);

    [GeneratedRegex(@"^ *(?:- )?(?<key>[A-Za-z][\w.-]*): (?<value>[^\s|>{\[&*!#][^\n]*?)$", RegexOptions.Multiline)]
    private static partial Regex ScalarField();

    [GeneratedRegex(@"(?:\n(?:[ \t]*|[ \t]*#[^\n]*))+\n$")]
    private static partial Regex TrailingPadding();

    [GeneratedRegex(@"(?:^ +name: [^\n]*\n)|(?:name: [^,}\n]+,? ?)", RegexOptions.Multiline)]
    private static partial Regex NameField();

    [GeneratedRegex(@"(?<key>port: )\d+")]
    private static partial Regex PortValue();

    /// <param name="Marker">The <c>---</c> line before the document (none before the first).</param>
    /// <param name="Broken">The text before a syntax error was made in it, to fix it with.</param>
    private sealed record Document(string Text, string Marker = "---", bool EndMarker = false, string? Broken = null);
}
