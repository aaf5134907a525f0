using System.Globalization;

namespace Mesh.Demo;

/// <summary>A plain text table, columns padded to their widest cell.</summary>
internal sealed class Table(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public Table Row(params object[] cells)
    {
        _rows.Add([.. cells.Select(cell => Convert.ToString(cell, CultureInfo.InvariantCulture) ?? "")]);
        return this;
    }

    public void WriteTo(TextWriter output)
    {
        var widths = headers.Select((header, i) => _rows.Select(row => row[i].Length).Append(header.Length).Max()).ToArray();
        output.WriteLine("  " + string.Join("  ", headers.Select((h, i) => h.PadRight(widths[i]))));
        output.WriteLine("  " + string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in _rows)
        {
            output.WriteLine("  " + string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))));
        }

        output.WriteLine();
    }
}
